#!/usr/bin/env python3
"""Write a realistic Pylon GET /issues page of 999 issues to stdout or FILE.

The page is deterministic (a fixed seed): the same bytes on every run, so
benchmark numbers compare across commits.  Issue fields follow
/work/shared/reference/pylon-api.md section 7; values are made up: HTML
bodies from a few hundred bytes to tens of kilobytes (mostly ASCII, some
accented Latin, CJK and emoji, quotes and newlines that JSON escapes),
timestamps with and without milliseconds, and nulls where the API is known
to send them.

  gen_page.py [--issues N] [--seed S] [--go-html-escape] [FILE]

--go-html-escape writes <, > and & as \\u003c, \\u003e and \\u0026, as Go's
encoding/json does by default (Pylon's server is written in Go, so pages
may well look like this).
"""
import argparse
import json
import random
import sys

WORDS = ("customer login fails after password reset the dashboard shows "
         "an error when exporting invoices please advise we see timeouts "
         "on the api since yesterday integration with slack stopped "
         "syncing messages users cannot access portal billing question "
         "about annual plan upgrade request feature webhook retries "
         "duplicate tickets sso saml configuration okta azure").split()
UNICODE = ["café", "naïve", "Zürich", "São Paulo", "日本語のテキスト",
           "요청", "Привет", "emoji 🚀", "✓ done", "€100",
           "“quoted”"]
STATES = ["new", "waiting_on_you", "waiting_on_customer", "on_hold",
          "closed", "in_progress"]
SOURCES = ["slack", "email", "chat_widget", "form", "microsoft_teams"]
TAGS = ["bug", "billing", "feature-request", "urgent", "sso", "api",
        "onboarding", "churn-risk"]


def uuid(r):
    h = "%032x" % r.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def ts(r, ms=False):
    t = (f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T"
         f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:"
         f"{r.randint(0, 59):02d}")
    return t + (f".{r.randint(0, 999):03d}Z" if ms else "Z")


def sentence(r, n):
    words = [r.choice(WORDS) for _ in range(n)]
    if r.random() < 0.15:
        words.insert(r.randrange(len(words) + 1), r.choice(UNICODE))
    s = " ".join(words)
    return s[0].upper() + s[1:] + "."


def body_html(r):
    # Mostly short messages, a long tail of pasted logs and email threads.
    size = int(min(60000, r.lognormvariate(7.3, 1.0)))
    parts = []
    n = 0
    while n < size:
        kind = r.random()
        if kind < 0.6:
            p = f"<p>{sentence(r, r.randint(5, 30))}</p>"
        elif kind < 0.75:
            p = ("<ul>" + "".join(f"<li>{sentence(r, r.randint(2, 8))}</li>"
                                  for _ in range(r.randint(2, 5))) + "</ul>")
        elif kind < 0.85:
            p = (f'<p><a href="https://example.com/kb/{r.randint(1, 999)}'
                 f'?ref=ticket&amp;lang=en" target="_blank">see article</a>'
                 f"</p>")
        elif kind < 0.95:
            p = ("<pre><code>" + "\n".join(
                f"{ts(r, True)} ERROR request_id={uuid(r)} status=502 "
                f'msg="upstream timeout"' for _ in range(r.randint(1, 6)))
                + "</code></pre>")
        else:
            p = f"<p>{r.choice(UNICODE)} {sentence(r, 4)}<br/>\t-- sent</p>"
        parts.append(p)
        n += len(p)
    return "\n".join(parts)


def person(r):
    if r.random() < 0.2:
        return None
    return {"id": uuid(r), "email": f"user{r.randint(1, 5000)}@example.com"}


def issue(r, i):
    created = ts(r)
    return {
        "id": uuid(r),
        "number": 10000 + i,
        "title": sentence(r, r.randint(3, 10)),
        "body_html": body_html(r),
        "state": r.choice(STATES),
        "type": r.choice(["conversation", "ticket"]),
        "source": r.choice(SOURCES),
        "link": f"https://app.usepylon.com/issues/views/all?issueNumber="
                f"{10000 + i}",
        "created_at": created,
        "updated_at": ts(r, r.random() < 0.3),
        "latest_message_time": ts(r),
        "first_response_time": ts(r) if r.random() < 0.7 else None,
        "resolution_time": ts(r) if r.random() < 0.4 else None,
        "snoozed_until_time": None,
        "resolution_breach_time": ts(r) if r.random() < 0.2 else None,
        "first_response_seconds": r.randint(5, 90000),
        "resolution_seconds": r.randint(60, 900000)
        if r.random() < 0.5 else None,
        "business_hours_first_response_seconds": r.randint(5, 30000),
        "business_hours_resolution_seconds": None,
        "number_of_touches": r.randint(0, 40),
        "time_in_status_seconds": {s: r.randint(0, 500000)
                                   for s in r.sample(STATES, 3)},
        "business_hours_time_in_status_seconds": {
            s: round(r.random() * 90000, 3) for s in r.sample(STATES, 2)},
        "customer_portal_visible": r.random() < 0.5,
        "author_unverified": r.random() < 0.1,
        "account": {"id": uuid(r), "external_ids": None
                    if r.random() < 0.7 else [
                        {"external_id": f"sf-{r.randint(1, 9999)}",
                         "label": "salesforce"}]},
        "requester": person(r),
        "assignee": person(r),
        "team": {"id": uuid(r)} if r.random() < 0.8 else None,
        "tags": r.sample(TAGS, r.randint(0, 3)) if r.random() < 0.8
        else None,
        "custom_fields": {
            "severity": {"slug": "severity",
                         "value": r.choice(["low", "medium", "high"]),
                         "values": None},
            "region": {"slug": "region", "value": None,
                       "values": r.sample(["eu", "us", "apac"], 2)}},
        "external_issues": [
            {"external_id": f"ENG-{r.randint(100, 9999)}",
             "link": "https://linear.app/acme/issue/ENG-1",
             "source": "linear"}] if r.random() < 0.25 else [],
        "attachment_urls": [f"https://files.usepylon.com/{uuid(r)}.png"
                            for _ in range(r.randint(0, 2))],
        "slack": {"channel_id": "C0%08d" % r.randint(0, 10**8),
                  "message_ts": "%d.%06d" % (r.randint(1.7e9, 1.8e9),
                                             r.randint(0, 999999)),
                  "workspace_id": "T0ACME"} if r.random() < 0.5 else None,
        "csat_responses": [{"score": r.randint(1, 5),
                            "comment": sentence(r, 6)}]
        if r.random() < 0.1 else [],
    }


def page(n, seed):
    r = random.Random(seed)
    return {
        "data": [issue(r, i) for i in range(n)],
        "errors": [],
        "pagination": {"cursor": "MjAyNS0wOC0yNlQxNjoxMTo1OC44NzFafGZiN2Mz"
                                 "OTE4LTVhMTYtNDVlOS1iYTRhLTM1ZmVkNTA1ZDA3Zg==",
                       "has_next_page": True},
        "request_id": uuid(r),
    }


def render(n=999, seed=20250826, go_escape=False):
    text = json.dumps(page(n, seed), ensure_ascii=False,
                      separators=(",", ":"))
    if go_escape:
        text = (text.replace("<", "\\u003c").replace(">", "\\u003e")
                .replace("&", "\\u0026"))
    return text.encode("utf-8")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--issues", type=int, default=999)
    ap.add_argument("--seed", type=int, default=20250826)
    ap.add_argument("--go-html-escape", action="store_true")
    ap.add_argument("file", nargs="?")
    a = ap.parse_args()
    data = render(a.issues, a.seed, a.go_html_escape)
    if a.file:
        with open(a.file, "wb") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data)


if __name__ == "__main__":
    main()
