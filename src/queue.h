/*
 * queue: the bounded FIFO that feeds one child stream's thread.
 *
 * The issue family's parent pushes a JOB per issue whose children the
 * stream must read, a WINDOW_END after each window, and END (or ABORT
 * when the parent failed) last.  The child pops in order.  The queue holds
 * at most SYNC_QUEUE_CAP items, so the parent waits when a child is that
 * far behind and memory does not grow with the sync.
 *
 * Ownership: one producer thread, one consumer thread.  A consumer that
 * gives up calls queue_kill; from then on pushes return at once, so the
 * producer can never wait on a dead consumer.
 */
#ifndef SP_QUEUE_H
#define SP_QUEUE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define QUEUE_ID_MAX 128 /* an issue id, with its NUL */
#define QUEUE_TS_MAX 48  /* a rendered timestamp, with its NUL */

enum queue_kind {
	QUEUE_JOB,        /* read the children of issue `id` */
	QUEUE_WINDOW_END, /* every issue before `cursor` has been queued */
	QUEUE_END,        /* the parent is done */
	QUEUE_ABORT       /* the parent failed */
};

struct queue_item {
	int kind;
	int64_t cursor;             /* QUEUE_WINDOW_END: the window end */
	char id[QUEUE_ID_MAX];      /* QUEUE_JOB: the issue id */
	char updated[QUEUE_TS_MAX]; /* QUEUE_JOB: its updated_at, or "" */
};

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct queue_item *items;
	size_t cap, head, len;
	int dead;        /* the consumer stopped: drop what comes */
	uint64_t pushed; /* jobs queued so far */
};

/*
 * Returns 0, or -1 when the items cannot be allocated; the queue is then
 * dead (pushes drop) but may still be killed, woken and freed.
 */
int queue_init(struct queue *q, size_t cap);
void queue_free(struct queue *q);

/*
 * Add an item (id and updated may be NULL; longer strings are refused by
 * the caller).  Waits while the queue is full, unless the consumer is dead
 * or, for JOB and WINDOW_END, the sync is stopping: END and ABORT always
 * wait for room, since the consumer drains until it sees one of them.
 */
void queue_push(struct queue *q, int kind, int64_t cursor, const char *id,
	const char *updated);

/* Take the next item, waiting for one. */
void queue_pop(struct queue *q, struct queue_item *out);

/* The consumer gives up: drop everything queued and all later pushes. */
void queue_kill(struct queue *q);

/* Wake a producer waiting for room (used when the sync stops). */
void queue_wake(struct queue *q);

/* Jobs queued so far. */
uint64_t queue_pushed(struct queue *q);

#endif
