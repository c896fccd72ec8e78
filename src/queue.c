/*
 * queue: see queue.h.
 */
#include "queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

int
queue_init(struct queue *q, size_t cap)
{
	memset(q, 0, sizeof *q);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->items = calloc(cap, sizeof *q->items);
	if (q->items == NULL) {
		q->dead = 1;
		return -1;
	}
	q->cap = cap;
	return 0;
}

void
queue_free(struct queue *q)
{
	free(q->items);
	q->items = NULL;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
}

void
queue_push(struct queue *q, int kind, int64_t cursor, const char *id,
	const char *updated)
{
	struct queue_item *it;
	int last = kind == QUEUE_END || kind == QUEUE_ABORT;

	pthread_mutex_lock(&q->mu);
	while (q->len == q->cap && !q->dead && (last || !ctl_stopped())) {
		pthread_cond_wait(&q->cv, &q->mu);
	}
	if (q->dead || q->len == q->cap) {
		pthread_mutex_unlock(&q->mu);
		return;
	}
	it = &q->items[(q->head + q->len) % q->cap];
	it->kind = kind;
	it->cursor = cursor;
	snprintf(it->id, sizeof it->id, "%s", id != NULL ? id : "");
	snprintf(it->updated, sizeof it->updated, "%s",
		updated != NULL ? updated : "");
	q->len++;
	if (kind == QUEUE_JOB) {
		q->pushed++;
	}
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void
queue_pop(struct queue *q, struct queue_item *out)
{
	pthread_mutex_lock(&q->mu);
	while (q->len == 0) {
		pthread_cond_wait(&q->cv, &q->mu);
	}
	*out = q->items[q->head];
	q->head = (q->head + 1) % q->cap;
	q->len--;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void
queue_kill(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->dead = 1;
	q->len = 0;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void
queue_wake(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

uint64_t
queue_pushed(struct queue *q)
{
	uint64_t n;

	pthread_mutex_lock(&q->mu);
	n = q->pushed;
	pthread_mutex_unlock(&q->mu);
	return n;
}
