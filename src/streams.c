/*
 * streams: see streams.h.
 *
 * Schemas follow section 7 of the API reference (the spec's models).  Every
 * field is nullable because the spec marks every field optional and real
 * responses carry nulls; fields whose shape the reference does not pin down
 * are left open ({}), and every object allows properties we do not list,
 * so a new field in Pylon's responses never fails schema validation.
 */
#include "streams.h"

#include <string.h>

#define Q(s) "\"" s "\""
#define STR "{\"type\":[\"null\",\"string\"]}"
#define INT "{\"type\":[\"null\",\"integer\"]}"
#define NUM "{\"type\":[\"null\",\"number\"]}"
#define BOOL "{\"type\":[\"null\",\"boolean\"]}"
#define ANY "{}"
#define OBJ "{\"type\":[\"null\",\"object\"]}"
#define TS                                                                     \
	"{\"type\":[\"null\",\"string\"],\"format\":\"date-time\","            \
	"\"airbyte_type\":\"timestamp_with_timezone\"}"
#define STRS "{\"type\":[\"null\",\"array\"],\"items\":" STR "}"
#define OBJS "{\"type\":[\"null\",\"array\"],\"items\":" OBJ "}"
#define OBJP(props)                                                            \
	"{\"type\":[\"null\",\"object\"],\"properties\":{" props "}}"
#define OBJSP(props) "{\"type\":[\"null\",\"array\"],\"items\":" OBJP(props) "}"
#define P(name, type) Q(name) ":" type

#define ID_EMAIL P("id", STR) "," P("email", STR)

static const char issue_schema[] = P("id", STR) "," P("number", INT) "," P(
	"title", STR) "," P("body_html", STR) "," P("state", STR) "," P("type",
	STR) "," P("source", STR) "," P("link", STR) "," P("created_at",
	TS) "," P("updated_at", TS) "," P("latest_message_time",
	TS) "," P("first_response_time", TS) "," P("resolution_time",
	TS) "," P("snoozed_until_time", TS) "," P("resolution_breach_time",
	TS) "," P("first_response_seconds", NUM) "," P("resolution_seconds",
	NUM) "," P("business_hours_first_response_seconds",
	NUM) "," P("business_hours_resolution_seconds",
	NUM) "," P("number_of_touches", NUM) "," P("time_in_status_seconds",
	OBJ) "," P("business_hours_time_in_status_seconds",
	OBJ) "," P("customer_portal_visible", BOOL) "," P("author_unverified",
	BOOL) "," P("account",
	OBJP(P("id", STR) "," P("external_ids", ANY))) "," P("requester",
	OBJP(ID_EMAIL)) "," P("assignee", OBJP(ID_EMAIL)) "," P("team",
	OBJP(P("id", STR))) "," P("tags", STRS) "," P("custom_fields",
	OBJ) "," P("external_issues",
	OBJSP(P("external_id", STR) "," P("link", STR) "," P(
		"source", STR))) "," P("attachment_urls", STRS) "," P("slack",
	OBJP(P("channel_id", STR) "," P("message_ts", STR) "," P("workspace_id",
		STR))) "," P("chat_widget_info", OBJ) "," P("csat_responses",
	OBJSP(P("score", ANY) "," P("comment", STR)));

static const char message_schema[] = P("id", STR) "," P("issue_id", STR) "," P(
	"issue_updated_at", TS) "," P("message_html", STR) "," P("timestamp",
	TS) "," P("is_private", BOOL) "," P("source", STR) "," P("thread_id",
	STR) "," P("file_urls", STRS) "," P("author",
	OBJP(P("name", STR) "," P("avatar_url", STR) "," P(
		"contact", OBJP(ID_EMAIL)) "," P("user",
		OBJP(ID_EMAIL)))) "," P("email_info",
	OBJP(P("from_email", STR) "," P("to_emails", STRS) "," P("cc_emails",
		STRS) "," P("bcc_emails", STRS) "," P("message_id", STR)));

static const char thread_schema[] = P("id", STR) "," P("issue_id", STR) "," P(
	"issue_updated_at", TS) "," P("name", STR) "," P("source",
	STR) "," P("channel_id", STR) "," P("thread_id", STR);

static const char account_schema[] = P("id", STR) "," P("name", STR) "," P(
	"domain", STR) "," P("domains", STRS) "," P("primary_domain",
	STR) "," P("type", STR) "," P("is_disabled", BOOL) "," P("created_at",
	TS) "," P("updated_at", TS) "," P("latest_customer_activity_time",
	TS) "," P("owner", OBJP(ID_EMAIL)) "," P("channels",
	OBJSP(P("channel_id", STR) "," P("source", STR) "," P(
		"is_primary", BOOL) "," P("is_internal",
		BOOL) "," P("mirror_to", ANY))) "," P("crm_settings",
	OBJ) "," P("custom_fields", OBJ) "," P("external_ids",
	OBJSP(P("external_id", STR) "," P("label", STR))) "," P("tags", STRS);

static const char contact_schema[] = P("id", STR) "," P("name", STR) "," P(
	"email", STR) "," P("emails", STRS) "," P("avatar_url",
	STR) "," P("phone_numbers", STRS) "," P("primary_phone_number",
	STR) "," P("account",
	OBJP(P("id", STR) "," P("external_ids", ANY))) "," P("custom_fields",
	OBJ) "," P("external_ids", ANY) "," P("integration_user_ids",
	OBJSP(P("id", STR) "," P("source", STR))) "," P("portal_role",
	STR) "," P("portal_role_id", STR);

static const char custom_field_schema[]
	= P("id", STR) "," P("slug", STR) "," P("label", STR) "," P(
		"description", STR) "," P("type", STR) "," P("object_type",
		STR) "," P("source", STR) "," P("is_read_only",
		BOOL) "," P("default_value", ANY) "," P("default_values",
		STRS) "," P("select_metadata", OBJ) "," P("number_metadata",
		OBJ) "," P("created_at", TS) "," P("updated_at", TS);

static const char issue_status_schema[]
	= P("slug", STR) "," P("label", STR) "," P("category", STR) "," P(
		"is_default_status", BOOL) "," P("is_archived", BOOL);

static const char kb_schema[] = P("id", STR) "," P("title", STR) "," P("slug",
	STR) "," P("default_language", STR) "," P("supported_languages", STRS);

static const char article_schema[] = P("id", STR) "," P(
	"knowledge_base_id", STR) "," P("identifier", STR) "," P("title",
	STR) "," P("slug", STR) "," P("url", STR) "," P("collection_id",
	STR) "," P("is_published", BOOL) "," P("is_unlisted",
	BOOL) "," P("last_published_at", TS) "," P("current_draft_content_html",
	STR) "," P("current_published_content_html",
	STR) "," P("visibility_config",
	OBJP(P("visibility", STR) "," P("ai_agent_access", STR) "," P(
		"allowed_agent_ids",
		STRS) "," P("customer_visibility_condition", ANY)));

static const char tag_schema[] = P("id", STR) "," P("value", STR) "," P(
	"object_type", STR) "," P("hex_color", STR);

static const char team_schema[]
	= P("id", STR) "," P("name", STR) "," P("users", OBJSP(ID_EMAIL));

static const char ticket_form_schema[] = P("id", STR) "," P("name", STR) "," P(
	"slug", STR) "," P("url", STR) "," P("description_html",
	STR) "," P("is_public", BOOL) "," P("fields",
	OBJSP(P("slug", STR) "," P("name", STR) "," P("type", STR) "," P(
		"description_html", STR)));

static const char user_role_schema[]
	= P("id", STR) "," P("name", STR) "," P("slug", STR);

static const char activity_type_schema[] = P("id", STR) "," P(
	"slug", STR) "," P("label", STR) "," P("icon_url", STR);

static const char user_schema[] = P("id", STR) "," P("name", STR) "," P(
	"email", STR) "," P("emails", STRS) "," P("avatar_url",
	STR) "," P("role_id", STR) "," P("status", STR);

const struct stream_def stream_defs[S_COUNT] = {
	[S_ACCOUNTS] = {"accounts", "/accounts", L_ACCOUNTS, "id", -1, NULL, 1,
		account_schema},
	[S_ACTIVITY_TYPES] = {"activity_types", "/activity-types",
		L_ACTIVITY_TYPES, "id", -1, NULL, 1, activity_type_schema},
	[S_CONTACTS] = {"contacts", "/contacts", L_CONTACTS, "id", -1, NULL, 1,
		contact_schema},
	[S_CUSTOM_FIELDS] = {"custom_fields", "/custom-fields", L_CUSTOM_FIELDS,
		"id", -1, "object_type", 1, custom_field_schema},
	[S_ISSUES]
	= {"issues", "/issues", L_ISSUES_LIST, "id", -1, NULL, 1, issue_schema},
	[S_ISSUE_MESSAGES] = {"issue_messages", "/issues/%s/messages",
		L_MESSAGES, "id", S_ISSUES, "issue_id", 1, message_schema},
	[S_ISSUE_THREADS] = {"issue_threads", "/issues/%s/threads", L_THREADS,
		"id", S_ISSUES, "issue_id", 0, thread_schema},
	[S_ISSUE_STATUSES] = {"issue_statuses", "/issue-statuses",
		L_ISSUE_STATUSES, "slug", -1, NULL, 1, issue_status_schema},
	[S_KNOWLEDGE_BASES] = {"knowledge_bases", "/knowledge-bases",
		L_KNOWLEDGE_BASES, "id", -1, NULL, 1, kb_schema},
	[S_KB_ARTICLES] = {"knowledge_base_articles",
		"/knowledge-bases/%s/articles", L_KB_ARTICLES, "id",
		S_KNOWLEDGE_BASES, "knowledge_base_id", 1, article_schema},
	[S_TAGS] = {"tags", "/tags", L_TAGS, "id", -1, NULL, 1, tag_schema},
	[S_TEAMS]
	= {"teams", "/teams", L_TEAMS, "id", -1, NULL, 1, team_schema},
	[S_TICKET_FORMS] = {"ticket_forms", "/ticket-forms", L_TICKET_FORMS,
		"id", -1, NULL, 1, ticket_form_schema},
	[S_USER_ROLES] = {"user_roles", "/user-roles", L_USER_ROLES, "id", -1,
		NULL, 1, user_role_schema},
	[S_USERS]
	= {"users", "/users", L_USERS, "id", -1, NULL, 1, user_schema},
};

/* Budgets from Pylon's API reference ("Rate limit: N requests per minute"). */
const struct lane_def lane_defs[L_COUNT] = {
	[L_ME] = {"GET /me", 60},
	[L_ACCOUNTS] = {"GET /accounts", 60},
	[L_ACTIVITY_TYPES] = {"GET /activity-types", 10},
	[L_CONTACTS] = {"GET /contacts", 60},
	[L_CUSTOM_FIELDS] = {"GET /custom-fields", 60},
	[L_ISSUES_LIST] = {"GET /issues", 10},
	[L_ISSUES_SEARCH] = {"POST /issues/search", 20},
	[L_MESSAGES] = {"GET /issues/{id}/messages", 20},
	[L_THREADS] = {"GET /issues/{id}/threads", 20},
	[L_ISSUE_STATUSES] = {"GET /issue-statuses", 10},
	[L_KNOWLEDGE_BASES] = {"GET /knowledge-bases", 60},
	[L_KB_ARTICLES] = {"GET /knowledge-bases/{id}/articles", 20},
	[L_TAGS] = {"GET /tags", 60},
	[L_TEAMS] = {"GET /teams", 60},
	[L_TICKET_FORMS] = {"GET /ticket-forms", 60},
	[L_USER_ROLES] = {"GET /user-roles", 60},
	[L_USERS] = {"GET /users", 60},
};

const char *const custom_field_types[3] = {"account", "issue", "contact"};

int
stream_find(const char *name, size_t n)
{
	int i;

	for (i = 0; i < S_COUNT; i++) {
		if (strlen(stream_defs[i].name) == n
			&& memcmp(stream_defs[i].name, name, n) == 0)
		{
			return i;
		}
	}
	return -1;
}
