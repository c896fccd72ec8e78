/*
 * streams: the fifteen Pylon streams and the rate-limited lanes they use.
 *
 * This table is the single source of truth for stream names, endpoints,
 * primary keys, parent/child relations and lanes; discover, catalog
 * validation and the sync engine all read it.
 */
#ifndef SP_STREAMS_H
#define SP_STREAMS_H

#include <stddef.h>

enum stream_id {
	S_ACCOUNTS = 0,
	S_ACTIVITY_TYPES,
	S_CONTACTS,
	S_CUSTOM_FIELDS,
	S_ISSUES,
	S_ISSUE_MESSAGES,
	S_ISSUE_THREADS,
	S_ISSUE_STATUSES,
	S_KNOWLEDGE_BASES,
	S_KB_ARTICLES,
	S_TAGS,
	S_TEAMS,
	S_TICKET_FORMS,
	S_USER_ROLES,
	S_USERS,
	S_COUNT
};

/*
 * A lane is one rate-limited endpoint: every request to it shares one
 * budget (Pylon limits per endpoint template, per organization).
 */
enum lane_id {
	L_ME = 0,
	L_ACCOUNTS,
	L_ACTIVITY_TYPES,
	L_CONTACTS,
	L_CUSTOM_FIELDS,
	L_ISSUES_LIST,   /* GET /issues */
	L_ISSUES_SEARCH, /* POST /issues/search */
	L_MESSAGES,      /* GET /issues/{id}/messages */
	L_THREADS,       /* GET /issues/{id}/threads */
	L_ISSUE_STATUSES,
	L_KNOWLEDGE_BASES,
	L_KB_ARTICLES, /* GET /knowledge-bases/{id}/articles */
	L_TAGS,
	L_TEAMS,
	L_TICKET_FORMS,
	L_USER_ROLES,
	L_USERS,
	L_COUNT
};

struct stream_def {
	const char *name;
	const char *path; /* endpoint; "%s" stands for the parent id */
	enum lane_id lane;
	const char *pk;         /* primary key field */
	int parent;             /* enum stream_id of the parent, or -1 */
	const char *parent_key; /* field added to child records */
	int paginated;          /* 0: the endpoint returns everything at once */
	const char *schema;     /* JSON schema of one record (properties) */
};

struct lane_def {
	const char *name;  /* for LOG lines, e.g. "GET /issues" */
	double per_minute; /* Pylon's documented budget */
};

extern const struct stream_def stream_defs[S_COUNT];
extern const struct lane_def lane_defs[L_COUNT];

/* The stream with this name, or -1. */
int stream_find(const char *name, size_t n);

/* The object types custom_fields reads, one partition each. */
extern const char *const custom_field_types[3];

#endif
