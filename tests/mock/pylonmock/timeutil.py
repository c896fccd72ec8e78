"""Timestamps at millisecond precision: parsing RFC 3339, rendering."""
import calendar
import re
import time

_RFC3339 = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?'
    r'([Zz]|[+-]\d{2}:\d{2})$')


def parse_rfc3339_ms(text):
    """RFC 3339 string -> epoch ms (fraction truncated to ms), or None."""
    if not isinstance(text, str):
        return None
    m = _RFC3339.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h <= 23 and mi <= 59
            and s <= 60):
        return None
    if d > calendar.monthrange(y, mo)[1]:
        return None
    if s == 60:
        s = 59
    frac = m.group(7)
    ms = int((frac[1:] + '00')[:3]) if frac else 0
    tz = m.group(8)
    off = 0
    if tz not in ('Z', 'z'):
        oh, om = int(tz[1:3]), int(tz[4:6])
        if oh > 23 or om > 59:
            return None
        off = (oh * 60 + om) * 60
        if tz[0] == '-':
            off = -off
    secs = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) - off
    return secs * 1000 + ms


def fmt_ms(ms, frac=False):
    """epoch ms -> 'YYYY-MM-DDTHH:MM:SSZ' (or with '.mmm' when frac)."""
    s, r = divmod(int(ms), 1000)
    t = time.gmtime(s)
    base = '%04d-%02d-%02dT%02d:%02d:%02d' % t[:6]
    if frac:
        return '%s.%03dZ' % (base, r)
    return base + 'Z'


def now_ms():
    return int(time.time() * 1000)


def http_date(epoch_s):
    return time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(epoch_s))
