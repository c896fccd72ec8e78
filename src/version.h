/* The one place the connector's version is written (the Makefile reads it). */
#ifndef SP_VERSION_H
#define SP_VERSION_H

#define SP_VERSION "0.1.0"

#endif
