"""What Dockerfile.scratch, metadata.yaml and src/version.h declare, read
without Docker and without PyYAML, so the fast tree test and the podman
test check the same facts."""
import json
import os
import re
import shlex

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DOCKERFILE = os.path.join(ROOT, "Dockerfile.scratch")
METADATA = os.path.join(ROOT, "metadata.yaml")
VERSION_H = os.path.join(ROOT, "src", "version.h")


def version():
    """SP_VERSION from src/version.h."""
    m = re.search(r'^#define SP_VERSION "([^"]*)"', open(VERSION_H).read(),
                  re.M)
    if not m:
        raise ValueError("no SP_VERSION in src/version.h")
    return m.group(1)


def _pairs(rest):
    """KEY=VALUE words of ENV/LABEL/ARG (shell-style quoting)."""
    out = {}
    for w in shlex.split(rest):
        k, eq, v = w.partition("=")
        out[k] = v if eq else None
    return out


class Stage:
    def __init__(self, base, name):
        self.base, self.name = base, name
        self.env, self.labels, self.args = {}, {}, {}
        self.entrypoint = self.user = None
        self.copies = []      # (flags dict, [sources], dest)
        self.runs = []


def dockerfile(path=DOCKERFILE):
    """-> (global ARG defaults, [Stage, ...]) in file order."""
    text = open(path).read()
    lines, cur = [], ""
    for raw in text.splitlines():
        s = raw.strip()
        if not cur and (not s or s.startswith("#")):
            continue
        if s.startswith("#"):
            continue
        if s.endswith("\\"):
            cur += s[:-1] + " "
            continue
        lines.append(cur + s)
        cur = ""
    if cur:
        lines.append(cur)
    gargs, stages = {}, []
    for line in lines:
        ins, _, rest = line.partition(" ")
        ins, rest = ins.upper(), rest.strip()
        st = stages[-1] if stages else None
        if ins == "FROM":
            w = rest.split()
            name = w[2] if len(w) >= 3 and w[1].upper() == "AS" else None
            stages.append(Stage(w[0], name))
        elif ins == "ARG":
            (st.args if st else gargs).update(_pairs(rest))
        elif st is None:
            raise ValueError("%s before the first FROM" % ins)
        elif ins == "ENV":
            st.env.update(_pairs(rest))
        elif ins == "LABEL":
            st.labels.update(_pairs(rest))
        elif ins == "ENTRYPOINT":
            st.entrypoint = json.loads(rest)
        elif ins == "USER":
            st.user = rest
        elif ins == "COPY":
            w = shlex.split(rest)
            flags = {}
            while w and w[0].startswith("--"):
                k, _, v = w.pop(0)[2:].partition("=")
                flags[k] = v
            st.copies.append((flags, w[:-1], w[-1]))
        elif ins == "RUN":
            st.runs.append(rest)
    return gargs, stages


def expand(value, args):
    """$VAR / ${VAR} from build ARGs."""
    return re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1)) or "",
                  value)


def metadata(path=METADATA):
    """The scalar keys of metadata.yaml as {"data.dockerRepository": ...};
    lists as {"data.tags": [...]}.  Enough YAML for our own file."""
    out, stack = {}, []
    last = None
    for raw in open(path).read().splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        ind = len(raw) - len(raw.lstrip(" "))
        s = raw.strip()
        if s.startswith("- "):
            out.setdefault(last, []).append(s[2:].strip().strip('"'))
            continue
        while stack and stack[-1][0] >= ind:
            stack.pop()
        k, _, v = s.partition(":")
        key = ".".join([p for _, p in stack] + [k.strip()])
        v = v.strip()
        if v:
            out[key] = v.strip('"').strip("'")
        else:
            stack.append((ind, k.strip()))
            last = key
    return out
