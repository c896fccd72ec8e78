"""Deterministic Pylon data: records, sorted indexes, mutation, truth.

Every record is a Rec: raw fields with timestamps kept as epoch ms; render()
turns them into the wire form (seconds, or .mmm for about a third of the
timestamps when fractional rendering is on).  A Coll keeps records sorted by
(created ms DESC, id ASC), the keyset order used by the cursors.
"""
import bisect
import json
import random
import threading
import time
import uuid
import zlib

from .timeutil import fmt_ms, parse_rfc3339_ms

DAY = 86400000

FANCY = [
    'Zoë Ångström-Øster',
    '株式会社テスト Kabushiki',
    'Ñandú Café «Crème»',
    '😀 Emoji Corp 🚀🎉',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝔏𝔱𝔡 (astral)',
    'line\u2028separator\u2029paragraph',
    'Quote "double" and \'single\'',
    'Back\\slash\\path\\',
    'Tab\there, new\nline, CR\rdone',
    'Ctrl \x01\x02\x1b\x1f and DEL \x7f',
    'RTL \u202eevil\u202c text',
    'Combining e\u0301 and zero\u200bwidth',
    '<script>alert("x")</script> & &amp; <b>',
    'Ελληνικά Русский عربي עברית',
    '{"json": "in a string"}, [1,2]',
]
FIRST = ['Ada', 'Grace', 'Linus', 'Ken', 'Barbara', 'Dennis', 'Frances',
         'Edsger', 'Margaret', 'Donald', 'Radia', 'Alan', 'Hedy', 'Tim',
         'Sophie', 'Niklaus', 'Joan', 'Bjarne', 'Annie', 'Guido']
LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Thompson', 'Liskov', 'Ritchie',
        'Allen', 'Dijkstra', 'Hamilton', 'Knuth', 'Perlman', 'Kay',
        'Lamarr', 'Berners-Lee', 'Wilson', 'Wirth', 'Clarke', 'Stroustrup']
WORDS = ['login', 'fails', 'invoice', 'export', 'slow', 'dashboard', 'SSO',
         'webhook', 'timeout', 'billing', 'sync', 'error', 'mobile', 'API',
         'report', 'missing', 'data', 'permissions', 'upgrade', 'crash']
COMPANY = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark',
           'Wayne', 'Tyrell', 'Cyberdyne', 'Aperture', 'Soylent', 'Vandelay',
           'Wonka', 'Massive', 'Pied Piper', 'Dunder']
BASE_STATES = ['new', 'waiting_on_you', 'waiting_on_customer', 'on_hold',
               'closed']
SOURCES = ['slack', 'email', 'chat_widget', 'form', 'manual',
           'microsoft_teams', 'discord']
OBJECT_TYPES = ['account', 'issue', 'contact', 'task', 'project',
                'call_recording']
TRUTH_CF_TYPES = ('account', 'issue', 'contact')

ISSUE_TS = ('created_at', 'updated_at', 'latest_message_time',
            'first_response_time', 'resolution_time', 'snoozed_until_time',
            'resolution_breach_time')


def _frac_pick(rid, field):
    return zlib.crc32(('%s/%s' % (rid, field)).encode()) % 3 == 0


class Rec:
    """One record.  ms = keyset sort time; ts = names of ms fields."""
    __slots__ = ('id', 'ms', 'fields', 'ts', 'extra', 'ver', '_cache',
                 '_fracset')

    def __init__(self, rid, ms, fields, ts=(), extra=None):
        self.id = rid
        self.ms = ms
        self.fields = fields
        self.ts = ts
        self.extra = extra or {}
        self.ver = 0
        self._cache = None
        self._fracset = frozenset(f for f in ts if _frac_pick(rid, f))

    def touch(self):
        self.ver += 1
        self._cache = None

    def render(self, frac):
        d = dict(self.fields)
        for f in self.ts:
            v = d.get(f)
            if v is not None:
                d[f] = fmt_ms(v, frac and f in self._fracset)
        return d

    def frag(self, frac):
        """Compact UTF-8 JSON of the rendered record (cached)."""
        c = self._cache
        if c is not None and c[0] == frac:
            return c[1]
        b = json.dumps(self.render(frac), ensure_ascii=False,
                       separators=(',', ':')).encode('utf-8')
        self._cache = (frac, b)
        return b

    def truth(self, frac):
        d = self.render(frac)
        d.update(self.extra)
        return d


class Coll:
    """Records in keyset order: created ms DESC, then id ASC."""

    def __init__(self, recs=()):
        self.set(list(recs))

    def set(self, recs):
        recs.sort(key=lambda r: (-r.ms, r.id))
        self.recs = recs
        self.keys = [(-r.ms, r.id) for r in recs]
        self.negms = [-r.ms for r in recs]

    def add(self, rec):
        self.set(self.recs + [rec])

    def __len__(self):
        return len(self.recs)

    def start_index(self, after):
        """Index of the first record after cursor key (ms, id)."""
        if after is None:
            return 0
        return bisect.bisect_right(self.keys, (-after[0], after[1]))

    def window(self, lo_ms, lo_incl, hi_ms, hi_incl):
        """Index range [a, b) of records whose ms is inside the bounds."""
        if hi_incl:
            a = bisect.bisect_left(self.negms, -hi_ms)
        else:
            a = bisect.bisect_right(self.negms, -hi_ms)
        if lo_incl:
            b = bisect.bisect_right(self.negms, -lo_ms)
        else:
            b = bisect.bisect_left(self.negms, -lo_ms)
        return a, max(a, b)


class Store:
    """All data of one mock organization.  Readers take self.lock too."""

    def __init__(self, ns, now_ms):
        self.ns = ns
        self.lock = threading.RLock()
        self.seed = ns.seed
        self.now0 = now_ms
        self.real0 = time.time()
        self.version = 0
        self.mutations = 0
        self.rng = random.Random(ns.seed)
        self._big = None
        self._generate()

    # ---- helpers -------------------------------------------------------
    def clock_ms(self):
        """The mock's notion of now (follows --now, advancing in real
        time)."""
        return self.now0 + int((time.time() - self.real0) * 1000)

    def uid(self, rng=None):
        r = rng or self.rng
        return str(uuid.UUID(int=r.getrandbits(128), version=4))

    def name(self, i, rng=None):
        r = rng or self.rng
        if i % 5 == 3:
            return FANCY[(i // 5) % len(FANCY)]
        return '%s %s' % (r.choice(FIRST), r.choice(LAST))

    def ms_part(self, rng=None):
        r = (rng or self.rng).random()
        if r < 0.2:
            return 0
        if r < 0.35:
            return 999
        if r < 0.45:
            return 500
        return (rng or self.rng).randrange(1000)

    def big_html(self, tag):
        n = self.ns.big_body_bytes
        if self._big is None:
            para = ('<p>Lorem ipsum dolor sit amet — ünïcødé ✓ 😀 '
                    '"quoted" \\ back &amp; more text to fill the body.'
                    '</p>\n')
            reps = max(1, n // len(para.encode('utf-8')) + 1)
            self._big = para * reps
        return '<div data-rec="%s">%s</div>' % (tag, self._big)

    def odd_string(self, i):
        """The next tricky string (cycles through FANCY; i only decides
        where a NUL goes with --nul-in-strings)."""
        self._odd = getattr(self, '_odd', -1) + 1
        s = FANCY[self._odd % len(FANCY)]
        if self.ns.nul_in_strings and i % 7 == 0:
            s += ' nul\x00here'
        return s

    # ---- generation ----------------------------------------------------
    def _generate(self):
        ns, r, now = self.ns, self.rng, self.now0
        self.synthetic = 0

        def synth():
            self.synthetic += 1
            return now - 400 * DAY + self.synthetic * 3600000 + 123

        # user roles
        roles = []
        for i in range(ns.user_roles):
            nm = ['Admin', 'Member', 'Viewer', 'Support Lead', 'Billing',
                  'Guest'][i % 6] + ('' if i < 6 else ' %d' % i)
            slug = nm.lower().replace(' ', '_')
            roles.append(Rec(self.uid(), synth(), {
                'id': None, 'name': nm, 'slug': slug}))
        for x in roles:
            x.fields['id'] = x.id
        self.user_roles = Coll(roles)

        users = []
        for i in range(ns.users):
            uid = self.uid()
            nm = self.name(i)
            email = 'user%d@support.example.com' % i
            users.append(Rec(uid, synth(), {
                'id': uid, 'name': nm, 'email': email,
                'emails': [email] + (['alt%d@example.org' % i]
                                     if i % 3 == 0 else []),
                'avatar_url': (None if i % 4 == 1 else
                               'https://cdn.example.com/avatars/%d.png' % i),
                'role_id': roles[i % len(roles)].id if roles else None,
                'status': ['active', 'active', 'away', 'out_of_office'][i % 4],
            }))
        self.users = Coll(users)
        ulist = [(u.id, u.fields['email']) for u in users]
        self.users_list = ulist

        teams = []
        for i in range(ns.teams):
            tid = self.uid()
            mem = [{'id': a, 'email': b}
                   for a, b in ulist[i::max(1, ns.teams)]]
            teams.append(Rec(tid, synth(), {
                'id': tid, 'name': (['Tier 1', 'Tier 2', 'Engineering',
                                     'Customer Success'][i % 4]
                                    if i != 2 else 'Équipe 🛠 "Ops"'),
                'users': mem}))
        self.teams = Coll(teams)

        tags = []
        for i in range(ns.tags):
            tid = self.uid()
            val = (self.odd_string(i) if i % 6 == 5 else
                   '%s-%d' % (r.choice(WORDS), i))
            tags.append(Rec(tid, synth(), {
                'id': tid, 'value': val,
                'object_type': ['issue', 'account', 'contact'][i % 3],
                'hex_color': (None if i % 5 == 4 else
                              '#%06x' % r.randrange(0x1000000))}))
        self.tags = Coll(tags)
        issue_tags = [t.fields['value'] for t in tags
                      if t.fields['object_type'] == 'issue'] or ['bug']

        # custom fields per object type
        self.custom_fields = {}
        cf_slugs = {}
        for k, ot in enumerate(OBJECT_TYPES):
            n = ns.custom_fields if ot in TRUTH_CF_TYPES else max(
                0, min(2, ns.custom_fields))
            if ot == 'issue':
                n += 2
            if ot == 'call_recording':
                n = min(n, 1)
            recs = []
            for i in range(n):
                fid = self.uid()
                typ = ['text', 'select', 'number', 'boolean', 'multiselect',
                       'date', 'url', 'user'][i % 8]
                slug = '%s_%s_%d' % (ot, typ, i)
                c = (now - (400 - 20 * k) * DAY + i * 3600000 -
                     self.ms_part())
                u = c + r.randrange(0, 30) * DAY + self.ms_part()
                opts = None
                if typ in ('select', 'multiselect'):
                    opts = {'options': [
                        {'slug': 'opt_%d' % j,
                         'label': ['Low', 'Medium', 'High', 'Ürgent 🔥'][j]}
                        for j in range(4)]}
                recs.append(Rec(fid, c, {
                    'id': fid, 'slug': slug,
                    'label': (self.odd_string(i) if i == 3 else
                              '%s %s' % (ot.replace('_', ' ').title(), typ)),
                    'description': None if i % 2 else 'Field %d' % i,
                    'type': typ, 'object_type': ot,
                    'source': 'custom' if i % 3 else 'salesforce',
                    'is_read_only': i % 4 == 2,
                    'default_value': None, 'default_values': None,
                    'select_metadata': opts,
                    'number_metadata': ({'decimal_places': 2,
                                         'format': 'number'}
                                        if typ == 'number' else None),
                    'created_at': c, 'updated_at': u,
                }, ts=('created_at', 'updated_at')))
            self.custom_fields[ot] = Coll(recs)
            cf_slugs[ot] = [(x.fields['slug'], x.fields['type'])
                            for x in recs]

        def cf_values(ot, i):
            out = {}
            for j, (slug, typ) in enumerate(cf_slugs.get(ot, [])):
                if (i + j) % 3 == 2:
                    continue
                if typ == 'multiselect':
                    out[slug] = {'slug': slug, 'value': None,
                                 'values': ['opt_0', 'opt_2']}
                elif typ == 'number':
                    out[slug] = {'slug': slug, 'value': str(i * 1.5)}
                elif typ == 'text':
                    out[slug] = {'slug': slug, 'value': (
                        self.odd_string(i) if i % 9 == 0 else 'note %d' % i)}
                elif typ == 'boolean':
                    out[slug] = {'slug': slug,
                                 'value': 'true' if i % 2 else 'false'}
                elif typ == 'date':
                    out[slug] = {'slug': slug, 'value': '2026-%02d-%02d' % (
                        1 + i % 12, 1 + i % 28)}
                elif typ == 'url':
                    out[slug] = {'slug': slug,
                                 'value': 'https://example.com/r/%d?a=1&b=2'
                                 % i}
                elif typ == 'user' and self.users_list:
                    out[slug] = {'slug': slug, 'value':
                                 self.users_list[i % len(self.users_list)][0]}
                else:
                    out[slug] = {'slug': slug, 'value': 'opt_%d' % (i % 4)}
            return out

        accounts = []
        for i in range(ns.accounts):
            aid = self.uid()
            c = now - r.randrange(100 * DAY, 720 * DAY) - self.ms_part()
            if i % 10 == 9 and accounts:   # same created ms as a neighbour
                c = accounts[-1].ms
            comp = (self.odd_string(i) if i % 5 == 3 else
                    '%s %d' % (r.choice(COMPANY), i))
            dom = 'acct%d.example.com' % i
            ext = (None if i % 3 == 0 else
                   [{'external_id': 'SF-%06d' % i, 'label': 'salesforce'}])
            u = c + r.randrange(0, 90 * DAY)
            accounts.append(Rec(aid, c, {
                'id': aid, 'name': comp, 'owner': (
                    None if i % 3 == 1 else
                    dict(zip(('id', 'email'), ulist[i % len(ulist)]))
                    if ulist else None),
                'domain': dom, 'domains': [dom] + (
                    ['acct%d.example.org' % i] if i % 4 == 0 else []),
                'primary_domain': dom,
                'type': ['customer', 'prospect', 'partner'][i % 3],
                'is_disabled': i % 11 == 10,
                'created_at': c, 'updated_at': u,
                'latest_customer_activity_time': (
                    None if i % 6 == 5 else min(now - 60000,
                                                u + r.randrange(DAY))),
                'channels': ([{'channel_id': 'C%08d' % i, 'source': 'slack',
                               'is_primary': True, 'is_internal': False,
                               'mirror_to': None}] if i % 2 == 0 else []),
                'crm_settings': None if i % 2 else {'details': [
                    {'source': 'salesforce', 'id': 'SF-%06d' % i}]},
                'custom_fields': cf_values('account', i),
                'external_ids': ext,
                'tags': (None if i % 4 == 1 else
                         [t.fields['value'] for t in tags[i % 3::7]][:3]),
            }, ts=('created_at', 'updated_at',
                   'latest_customer_activity_time')))
        self.accounts = Coll(accounts)
        alist = [(a.id, a.fields['external_ids']) for a in accounts]

        contacts = []
        for i in range(ns.contacts):
            cid = self.uid()
            nm = self.name(i)
            em = 'contact%d@customer%d.example.com' % (i, i % 7)
            acc = alist[i % len(alist)] if alist and i % 8 != 7 else None
            contacts.append(Rec(cid, synth(), {
                'id': cid, 'name': nm, 'email': em,
                'emails': [em], 'avatar_url': None,
                'phone_numbers': ['+1-555-%04d' % i] if i % 3 == 0 else [],
                'primary_phone_number': ('+1-555-%04d' % i
                                         if i % 3 == 0 else None),
                'account': ({'id': acc[0], 'external_ids': acc[1]}
                            if acc else None),
                'custom_fields': cf_values('contact', i),
                'external_ids': None,
                'integration_user_ids': ([{'id': 'U%07d' % i,
                                           'source': 'slack'}]
                                         if i % 2 else []),
                'portal_role': ['no_access', 'member', 'admin'][i % 3],
                'portal_role_id': None if i % 3 == 0 else self.uid(),
            }))
        self.contacts = Coll(contacts)
        clist = [(c.id, c.fields['email']) for c in contacts]

        forms = []
        for i in range(ns.ticket_forms):
            fid = self.uid()
            forms.append(Rec(fid, synth(), {
                'id': fid, 'name': ['Bug report', 'Billing question',
                                    'Feature request 💡'][i % 3],
                'slug': 'form-%d' % i,
                'url': 'https://portal.example.com/forms/form-%d' % i,
                'description_html': '<p>Form %d</p>' % i,
                'is_public': i % 2 == 0,
                'fields': [{'slug': s, 'name': s.title(), 'type': 'text',
                            'description_html': None}
                           for s in ('summary', 'details')[:1 + i % 2]]}))
        self.ticket_forms = Coll(forms)

        acts = []
        for i in range(ns.activity_types):
            aid = self.uid()
            acts.append(Rec(aid, synth(), {
                'id': aid, 'slug': 'activity_%d' % i,
                'label': ['Meeting', 'Call', 'QBR', 'Onboarding', 'Renewal',
                          'Note ✍'][i % 6],
                'icon_url': (None if i % 3 == 2 else
                             'https://cdn.example.com/icons/%d.svg' % i)}))
        self.activity_types = Coll(acts)

        stats = []
        labels = {'new': 'New', 'waiting_on_you': 'Waiting on you',
                  'waiting_on_customer': 'Waiting on customer',
                  'on_hold': 'On hold', 'closed': 'Closed'}
        cats = {'new': 'new', 'waiting_on_you': 'waiting_on_you',
                'waiting_on_customer': 'waiting_on_customer',
                'on_hold': 'on_hold', 'closed': 'closed'}
        for i, s in enumerate(BASE_STATES):
            stats.append(Rec(s, synth(), {
                'slug': s, 'label': labels[s], 'category': cats[s],
                'is_default_status': True, 'is_archived': False}))
        for i in range(ns.custom_statuses):
            s = 'custom_status_%d' % i
            stats.append(Rec(s, synth(), {
                'slug': s, 'label': ['Escalated ⚠', 'In QA',
                                     'Waiting on "vendor"'][i % 3],
                'category': ['waiting_on_you', 'on_hold', 'closed'][i % 3],
                'is_default_status': False, 'is_archived': i == 2}))
        self.issue_statuses = Coll(stats)
        self.state_slugs = [x.id for x in stats
                            if not x.fields['is_archived']]

        kbs, self.articles = [], {}
        for k in range(ns.kbs):
            kid = self.uid()
            kbs.append(Rec(kid, synth(), {
                'id': kid, 'title': ['Help Center', 'Développeurs 📚',
                                     'Internal'][k % 3],
                'slug': 'kb-%d' % k, 'default_language': 'en',
                'supported_languages': ['en'] + (['fr', 'ja'] if k % 2
                                                 else [])}))
            arts = []
            for i in range(ns.articles_per_kb):
                art = self.uid()
                c = now - r.randrange(DAY, 500 * DAY) - self.ms_part()
                pub = i % 4 != 3
                html = ('<h1>Article %d</h1><p>%s</p>' % (
                    i, self.odd_string(i + k)))
                if ns.big_body_bytes and i % 5 == 1:
                    html = self.big_html(art)
                arts.append(Rec(art, c, {
                    'id': art, 'identifier': '%d' % (1000 * (k + 1) + i),
                    'title': (self.odd_string(i) if i % 4 == 2 else
                              'How to %s %s' % (r.choice(WORDS),
                                                r.choice(WORDS))),
                    'slug': 'article-%d-%d' % (k, i),
                    'url': 'https://help.example.com/kb-%d/article-%d' % (
                        k, i),
                    'collection_id': None if i % 3 == 0 else self.uid(),
                    'is_published': pub, 'is_unlisted': i % 7 == 6,
                    'last_published_at': (c + r.randrange(DAY)
                                          if pub else None),
                    'current_draft_content_html': (html if not pub or
                                                   i % 5 == 0 else None),
                    'current_published_content_html': html if pub else None,
                    'visibility_config': {
                        'visibility': ['public', 'customer',
                                       'internal_only'][i % 3],
                        'ai_agent_access': ['inherit', 'none',
                                            'specific_agents'][i % 3],
                        'allowed_agent_ids': ([self.uid()] if i % 3 == 2
                                              else None),
                        'customer_visibility_condition': None},
                }, ts=('last_published_at',), extra={
                    'knowledge_base_id': kid}))
            self.articles[kid] = Coll(arts)
        self.kbs = Coll(kbs)

        self.users_list = ulist
        self.contacts_list = clist
        self.accounts_list = alist
        self.teams_list = [t.id for t in teams]
        self.issue_tags = issue_tags
        self.cf_values = cf_values

        # issues
        self.issues = Coll()
        self.issue_by_id = {}
        self.issue_by_number = {}
        self.messages = {}
        self.threads = {}
        self.next_number = 1001
        lo = now - int(ns.days * DAY)
        hi = now - 60000
        recs = []
        prev = None
        for i in range(ns.issues):
            c = r.randrange(lo // 1000, max(lo // 1000 + 1, hi // 1000))
            c = c * 1000 + self.ms_part()
            if prev is not None and i % 25 == 24:
                c = prev                      # exact created-ms tie
            c = min(c, hi)
            prev = c
            span = r.choice([0, 0, 1000, 60000, 3600000, DAY, 5 * DAY,
                             20 * DAY])
            u = min(hi, c + (r.randrange(span) if span else 0))
            u = max(u, c)
            n_msgs = r.randint(0, max(0, ns.messages_per_issue))
            n_threads = r.randint(0, max(0, ns.threads_per_issue))
            recs.append(self._make_issue(r, i, c, u, n_msgs, n_threads))
        self.issues.set(recs)

    def _make_issue(self, r, i, c, u, n_msgs, n_threads):
        """Build one issue with its messages and threads (not indexed in
        self.issues; the caller does that)."""
        ns = self.ns
        iid = self.uid(r)
        number = self.next_number
        self.next_number += 1
        ul, cl, al = self.users_list, self.contacts_list, self.accounts_list
        title = (self.odd_string(i) if i % 7 == 3 else
                 '%s %s %s' % (r.choice(WORDS).capitalize(), r.choice(WORDS),
                               r.choice(WORDS)))
        body = '<p>%s</p><p>Issue %d body.</p>' % (self.odd_string(i + 1), i)
        if ns.big_body_bytes and i % 10 == 5:
            body = self.big_html(iid)
        state = self.state_slugs[i % len(self.state_slugs)]
        acc = al[i % len(al)] if al and i % 9 != 8 else None
        req = cl[(i * 7) % len(cl)] if cl else None
        asg = ul[i % len(ul)] if ul and i % 4 != 3 else None
        # threads
        threads = []
        for k in range(n_threads):
            tid = self.uid(r)
            threads.append({
                'id': tid, 'issue_id': iid,
                'name': (self.odd_string(i + k) if k == 1 else
                         'Internal thread %d' % k),
                'source': ['slack', 'microsoft_teams', 'pylon'][k % 3],
                'channel_id': 'C%07d' % (i % 97) if k % 3 != 2 else None,
                'thread_id': '%d.%06d' % (1700000000 + i, k)})
        # messages
        msgs = []
        for k in range(n_msgs):
            if n_msgs == 1 or k == 0:
                t = c
            elif k == n_msgs - 1:
                t = u
            else:
                t = c + r.randrange(max(1, u - c + 1))
            msgs.append(self._make_message(r, i, k, t, threads))
        latest = max((m.ms for m in msgs), default=None)
        frt = None
        if len(msgs) > 1:
            frt = sorted(m.ms for m in msgs)[1]
        closed = state == 'closed'
        f = {
            'id': iid, 'number': number, 'title': title, 'body_html': body,
            'state': state, 'type': 'ticket' if i % 3 == 0 else 'conversation',
            'source': SOURCES[i % len(SOURCES)],
            'link': 'https://app.usepylon.com/issues?issueNumber=%d' % number,
            'created_at': c, 'updated_at': u,
            'latest_message_time': latest,
            'first_response_time': frt,
            'resolution_time': u if closed else None,
            'snoozed_until_time': (u + 3 * DAY if state == 'on_hold'
                                   else None),
            'resolution_breach_time': None if i % 2 else c + 2 * DAY,
            'first_response_seconds': (frt - c) // 1000 if frt else None,
            'resolution_seconds': (u - c) // 1000 if closed else None,
            'business_hours_first_response_seconds': (
                (frt - c) // 3000 if frt else None),
            'business_hours_resolution_seconds': (
                (u - c) // 3000 if closed else None),
            'number_of_touches': len(msgs),
            'time_in_status_seconds': {state: (u - c) // 1000},
            'business_hours_time_in_status_seconds': (
                None if i % 5 == 0 else {state: (u - c) // 3000}),
            'customer_portal_visible': i % 3 == 1,
            'author_unverified': i % 13 == 12,
            'account': ({'id': acc[0], 'external_ids': acc[1]}
                        if acc else None),
            'requester': {'id': req[0], 'email': req[1]} if req else None,
            'assignee': {'id': asg[0], 'email': asg[1]} if asg else None,
            'team': ({'id': self.teams_list[i % len(self.teams_list)]}
                     if self.teams_list and i % 5 != 4 else None),
            'tags': (None if i % 4 == 0 else
                     [self.issue_tags[(i + j) % len(self.issue_tags)]
                      for j in range(1 + i % 3)]),
            'custom_fields': self.cf_values('issue', i),
            'external_issues': (None if i % 6 else [{
                'external_id': 'JIRA-%d' % (100 + i),
                'link': 'https://jira.example.com/browse/JIRA-%d' % (100 + i),
                'source': 'jira'}]),
            'attachment_urls': (None if i % 8 else
                                ['https://files.example.com/%s/log.txt' %
                                 iid]),
            'slack': ({'channel_id': 'C%07d' % (i % 97),
                       'message_ts': '%d.000100' % (c // 1000),
                       'workspace_id': 'T0000001'}
                      if SOURCES[i % len(SOURCES)] == 'slack' else None),
            'chat_widget_info': ({'page_url': 'https://app.example.com/p?x=1'}
                                 if SOURCES[i % len(SOURCES)] ==
                                 'chat_widget' else None),
            'csat_responses': (None if i % 10 else
                               [{'score': 5, 'comment': 'Merci ! 🙏'}]),
        }
        rec = Rec(iid, c, f, ts=ISSUE_TS)
        self.issue_by_id[iid] = rec
        self.issue_by_number[str(number)] = rec
        self.messages[iid] = Coll(msgs)
        self.threads[iid] = threads
        return rec

    def _make_message(self, r, i, k, t, threads):
        ns = self.ns
        mid = self.uid(r)
        private = bool(threads) and k % 4 == 3
        ul, cl = self.users_list, self.contacts_list
        if k % 2 == 0 and cl:
            who = cl[(i + k) % len(cl)]
            author = {'name': self.name(i + k, r),
                      'avatar_url': None,
                      'contact': {'id': who[0], 'email': who[1]}}
        elif ul:
            who = ul[(i + k) % len(ul)]
            author = {'name': self.name(i + k + 1, r),
                      'avatar_url': 'https://cdn.example.com/a/%d.png' % k,
                      'user': {'id': who[0], 'email': who[1]}}
        else:
            author = {'name': 'Pylon Bot', 'avatar_url': None}
        html = '<p>Message %d of issue %d: %s</p>' % (
            k, i, self.odd_string(i * 3 + k))
        if ns.big_body_bytes and (i * 7 + k) % 15 == 4:
            html = self.big_html(mid)
        src = 'email' if k % 3 == 1 else 'slack'
        f = {'id': mid, 'message_html': html, 'timestamp': t,
             'is_private': private, 'source': src,
             'thread_id': threads[k % len(threads)]['id'] if private else None,
             'file_urls': (['https://files.example.com/m/%s.png' % mid]
                           if k % 5 == 2 else None),
             'author': author,
             'email_info': ({'from_email': 'a%d@example.com' % k,
                             'to_emails': ['support@example.com'],
                             'cc_emails': [], 'bcc_emails': None,
                             'message_id': '<%s@mail.example.com>' % mid}
                            if src == 'email' else None)}
        return Rec(mid, t, f, ts=('timestamp',))

    # ---- lookups -------------------------------------------------------
    def issue(self, key):
        return self.issue_by_id.get(key) or self.issue_by_number.get(key)

    def kb(self, key):
        return key if key in self.articles else None

    # ---- mutation ------------------------------------------------------
    def _mut_rng(self):
        self.mutations += 1
        return random.Random(self.seed * 1000003 + self.mutations)

    def _bump(self):
        self.version += 1

    def mutate(self, new_issues=0, update_issues=0, new_messages=0):
        with self.lock:
            r = self._mut_rng()
            now = self.clock_ms()
            out = {'new_issue_ids': [], 'updated_issue_ids': [],
                   'new_message_ids': [], 'message_issue_ids': [],
                   'now_ms': now}
            existing = [x.id for x in self.issues.recs]
            for j in range(new_issues):
                c = now - (new_issues - 1 - j)
                rec = self._make_issue(r, len(self.issue_by_id) + j, c, c,
                                       r.randint(0, 2), r.randint(0, 1))
                self.issues.recs.append(rec)
                out['new_issue_ids'].append(rec.id)
            if new_issues:
                self.issues.set(self.issues.recs)
            pool = sorted(existing)
            for iid in r.sample(pool, min(update_issues, len(pool))):
                rec = self.issue_by_id[iid]
                f = rec.fields
                f['updated_at'] = now
                cur = self.state_slugs.index(f['state']) \
                    if f['state'] in self.state_slugs else 0
                f['state'] = self.state_slugs[(cur + 1) %
                                              len(self.state_slugs)]
                f['number_of_touches'] = (f['number_of_touches'] or 0) + 1
                rec.touch()
                out['updated_issue_ids'].append(iid)
            for k in range(new_messages):
                if not pool:
                    break
                iid = r.choice(pool)
                rec = self.issue_by_id[iid]
                msgs = self.messages[iid]
                m = self._make_message(r, k, len(msgs) + 1, now,
                                       self.threads[iid])
                msgs.add(m)
                rec.fields['updated_at'] = now
                rec.fields['latest_message_time'] = now
                rec.fields['number_of_touches'] = len(msgs)
                rec.touch()
                out['new_message_ids'].append(m.id)
                out['message_issue_ids'].append(iid)
            self._bump()
            return out

    def plant(self, specs):
        """specs: [{"created_at", "updated_at"?, "messages"?, "threads"?,
        "state"?}] -> ids.  Raises ValueError on bad input."""
        with self.lock:
            r = self._mut_rng()
            made = []
            for s in specs:
                c = parse_rfc3339_ms(s.get('created_at'))
                if c is None:
                    raise ValueError('created_at: RFC 3339 required')
                u = s.get('updated_at')
                u = c if u is None else parse_rfc3339_ms(u)
                if u is None or u < c:
                    raise ValueError('updated_at: RFC 3339 >= created_at')
                rec = self._make_issue(r, len(self.issue_by_id),
                                       c, u, int(s.get('messages', 2)),
                                       int(s.get('threads', 1)))
                if s.get('state'):
                    rec.fields['state'] = s['state']
                if 'title' in s:
                    rec.fields['title'] = s['title']
                made.append(rec)
            self.issues.set(self.issues.recs + made)
            self._bump()
            return {'ids': [x.id for x in made],
                    'numbers': [x.fields['number'] for x in made]}

    # ---- truth ---------------------------------------------------------
    def truth(self, frac):
        with self.lock:
            def all_of(coll):
                return [x.truth(frac) for x in coll.recs]
            msgs, threads = [], []
            for rec in self.issues.recs:
                for m in self.messages[rec.id].recs:
                    d = m.truth(frac)
                    d['issue_id'] = rec.id
                    msgs.append(d)
                threads.extend(dict(t) for t in self.threads[rec.id])
            arts = []
            for kb in self.kbs.recs:
                arts.extend(all_of(self.articles[kb.id]))
            cfs = []
            for ot in TRUTH_CF_TYPES:
                cfs.extend(all_of(self.custom_fields[ot]))
            return {
                'streams': {
                    'accounts': all_of(self.accounts),
                    'activity_types': all_of(self.activity_types),
                    'contacts': all_of(self.contacts),
                    'custom_fields': cfs,
                    'issues': all_of(self.issues),
                    'issue_messages': msgs,
                    'issue_threads': threads,
                    'issue_statuses': all_of(self.issue_statuses),
                    'knowledge_bases': all_of(self.kbs),
                    'knowledge_base_articles': arts,
                    'tags': all_of(self.tags),
                    'teams': all_of(self.teams),
                    'ticket_forms': all_of(self.ticket_forms),
                    'user_roles': all_of(self.user_roles),
                    'users': all_of(self.users),
                },
                'issue_times': {
                    x.id: {'created_ms': x.fields['created_at'],
                           'updated_ms': x.fields['updated_at']}
                    for x in self.issues.recs},
                'now_ms': self.clock_ms(),
                'version': self.version,
            }
