#!/usr/bin/env python3
"""Power-loss states from a real round, in the manner of ALICE (OSDI '14).

Reads an `strace -f -y -xx -v -s N` trace of `tidingsd` writing a state
directory and an output directory below ROOT, and replays its file system
calls on a model in which each file's data and each directory's entries
are either durable (synced) or only in memory:

- `fsync`/`fdatasync` of a file makes its data durable, not its name;
- `fsync` of a directory makes its entries (creates, renames, unlinks) durable;
- `syncfs` makes everything durable.

Two things are done with it (docs/durability.md):

1. `order`: the protocol's promises are checked at the calls where they
   matter: a staged file's bytes are durable when it is renamed into
   `articles/`; when a journal line is written, the file it names is
   durable under its name and what the writing thread put in the WAL (the
   index commit) is synced; when a hook is started for a seq, that seq's
   journal line is durable.
2. `states`: at every sync call, the on-disk states a power loss there
   could leave are built under WORK: only what was durable; every name as
   in memory but only synced data (renames kept, writes lost); everything
   (as a kill leaves it). Each is printed as a directory, one a line, with
   the hook runs started before that point, for the caller to start the
   daemon on and check.

3. `run`: builds the states, starts the daemon (`tidingsd --once`, with a
   hook) on each, and checks the journal's promises there: seqs 1..N with
   no gap or repeat; one `created` line per article file and a file for
   each; every line's file whole; every story served is there; each hook
   run started before the power loss names the same event under the same
   seq afterwards; every `created` and `updated` event reached a hook.
   Prints a JSON summary; exits 1 on any problem.

Only paths below ROOT are modelled; the rest of the trace is ignored.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

LINE = re.compile(r'^(\d+)\s+(\w+)\((.*)\)\s+=\s+(-?\d+)(?:<([^>]*)>)?')
UNFINISHED = re.compile(r'^(\d+)\s+(.*)\s+<unfinished \.\.\.>$')
RESUMED = re.compile(r'^(\d+)\s+<\.\.\. (\w+) resumed>(.*)$')


def unhex(s):
    return bytes(int(h, 16) for h in re.findall(r'\\x([0-9a-f]{2})', s))


def split_args(args):
    out, depth, cur, quoted, i = [], 0, '', False, 0
    while i < len(args):
        c = args[i]
        if quoted:
            cur += c
            if c == '\\':
                cur += args[i + 1]
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
            cur += c
        elif c in '[{<(':
            depth += 1
            cur += c
        elif c in ']}>)':
            depth -= 1
            cur += c
        elif c == ',' and depth == 0:
            out.append(cur.strip())
            cur = ''
        else:
            cur += c
        i += 1
    if cur.strip():
        out.append(cur.strip())
    return out


def fd_path(arg):
    m = re.search(r'<((?:\\x[0-9a-f]{2})+)>', arg)
    return unhex(m.group(1)).decode('utf-8', 'replace') if m else None


def string_arg(arg):
    m = re.match(r'^"((?:\\x[0-9a-f]{2})*)"', arg)
    return unhex(m.group(1)) if m else None


def calls(trace):
    """Yields (pid, name, args, result, result_path) for completed calls, in order."""
    pending = {}
    for raw in open(trace, encoding='utf-8', errors='replace'):
        raw = raw.rstrip('\n')
        m = UNFINISHED.match(raw)
        if m:
            pending[m.group(1)] = m.group(2)
            continue
        m = RESUMED.match(raw)
        if m:
            head = pending.pop(m.group(1), None)
            if head is None:
                continue
            raw = m.group(1) + ' ' + head + m.group(3)
        m = LINE.match(raw)
        if m:
            pid, name, args, result, rpath = m.groups()
            yield pid, name, split_args(args), int(result), unhex(rpath).decode('utf-8', 'replace') if rpath else None


class Model:
    """Files as inodes with in-memory and durable bytes; names as path -> inode."""

    def __init__(self, root, snapshot):
        self.root = root
        self.next_inode = 0
        self.data = {}      # inode -> bytearray (in memory)
        self.synced = {}    # inode -> bytes (durable)
        self.names = {}     # path -> inode (in memory)
        self.dnames = {}    # path -> inode (durable)
        self.dirs = set()
        self.ddirs = set()
        self.offsets = {}   # (pid, fd) -> offset
        for base, dirnames, filenames in os.walk(snapshot):
            rel = os.path.relpath(base, snapshot)
            path = root if rel == '.' else os.path.join(root, rel)
            self.dirs.add(path)
            for f in filenames:
                with open(os.path.join(base, f), 'rb') as h:
                    ino = self.new_inode(h.read())
                self.names[os.path.join(path, f)] = ino
        self.sync_all()

    def inside(self, path):
        return path is not None and (path == self.root or path.startswith(self.root + '/'))

    def new_inode(self, content=b''):
        self.next_inode += 1
        self.data[self.next_inode] = bytearray(content)
        self.synced[self.next_inode] = b''  # the snapshot's files are synced by sync_all
        return self.next_inode

    def sync_all(self):
        for ino, content in self.data.items():
            self.synced[ino] = bytes(content)
        self.dnames = dict(self.names)
        self.ddirs = set(self.dirs)

    def sync_dir(self, d):
        self.dnames = {p: i for p, i in self.dnames.items() if os.path.dirname(p) != d}
        self.dnames.update({p: i for p, i in self.names.items() if os.path.dirname(p) == d})
        self.ddirs = {p for p in self.ddirs if os.path.dirname(p) != d} | {p for p in self.dirs if os.path.dirname(p) == d}

    def durable(self, path):
        """Whether the file at path, as in memory, would survive a power loss now."""
        ino = self.names.get(path)
        return ino is not None and self.dnames.get(path) == ino and self.synced[ino] == bytes(self.data[ino]) \
            and all(d in self.ddirs for d in parents(path, self.root))

    def materialize(self, target, names_from, data_from):
        """Writes a state: names from 'memory' or 'disk', data from 'memory' or 'disk'."""
        names = self.names if names_from == 'memory' else self.dnames
        dirs = self.dirs if names_from == 'memory' else self.ddirs
        os.makedirs(target)
        for d in sorted(dirs):
            if all(p in dirs for p in parents(d, self.root)):
                os.makedirs(target + d[len(self.root):], exist_ok=True)
        for path, ino in names.items():
            if not all(p in dirs for p in parents(path, self.root)) or os.path.dirname(path) not in dirs:
                continue
            if path.endswith('-shm'):
                continue  # SQLite's shared-memory index: rebuilt from the WAL by the first opener
            content = bytes(self.data[ino]) if data_from == 'memory' else self.synced[ino]
            with open(target + path[len(self.root):], 'wb') as h:
                h.write(content)


def parents(path, root):
    out = []
    p = os.path.dirname(path)
    while len(p) > len(root):
        out.append(p)
        p = os.path.dirname(p)
    return out


def hook_run(args):
    """(seq, event, path) of an execve of the hook, from its argv and environment."""
    env = {}
    argv = [unhex(a).decode('utf-8', 'replace') for a in re.findall(r'"((?:\\x[0-9a-f]{2})*)"', args[1])]
    for item in re.findall(r'"((?:\\x[0-9a-f]{2})*)"', args[2] if len(args) > 2 else ''):
        k, _, v = unhex(item).decode('utf-8', 'replace').partition('=')
        env[k] = v
    if 'TIDINGS_SEQ' not in env:
        return None
    return int(env['TIDINGS_SEQ']), env.get('TIDINGS_EVENT'), argv[-1] if argv else None


def replay(trace, root, snapshot, on_call):
    model = Model(root, snapshot)
    for index, (pid, name, args, result, rpath) in enumerate(calls(trace)):
        on_call(model, index, pid, name, args, result, rpath, before=True)
        if result < 0:
            continue
        if name == 'openat' and model.inside(rpath) and rpath not in model.dirs:
            flags = args[2] if len(args) > 2 else ''
            if 'O_DIRECTORY' in flags:
                continue
            if rpath not in model.names:
                model.names[rpath] = model.new_inode()
            elif 'O_TRUNC' in flags:
                model.data[model.names[rpath]] = bytearray()
            model.offsets[(pid, result)] = ('append' if 'O_APPEND' in flags else 0)
        elif name in ('write', 'pwrite64') and model.inside(fd_path(args[0])):
            path = fd_path(args[0])
            ino = model.names.get(path)
            if ino is None:
                continue
            data = (string_arg(args[1]) or b'')[:result]
            fd = int(re.match(r'\d+', args[0]).group(0))
            buf = model.data[ino]
            if name == 'pwrite64':
                offset = int(args[3])
            else:
                offset = model.offsets.get((pid, fd), 0)
                offset = len(buf) if offset == 'append' else offset
            if len(buf) < offset:
                buf.extend(b'\0' * (offset - len(buf)))
            buf[offset:offset + len(data)] = data
            if name == 'write' and model.offsets.get((pid, fd)) != 'append':
                model.offsets[(pid, fd)] = offset + len(data)
        elif name == 'ftruncate' and model.inside(fd_path(args[0])):
            ino = model.names.get(fd_path(args[0]))
            if ino is not None:
                length = int(args[1])
                buf = model.data[ino]
                del buf[length:]
                buf.extend(b'\0' * (length - len(buf)))
        elif name in ('fsync', 'fdatasync') and model.inside(fd_path(args[0])):
            path = fd_path(args[0])
            if path in model.dirs:
                model.sync_dir(path)
            elif path in model.names:
                ino = model.names[path]
                model.synced[ino] = bytes(model.data[ino])
        elif name == 'syncfs':
            model.sync_all()
        elif name in ('rename', 'renameat', 'renameat2'):
            if name == 'rename':
                old, new = string_arg(args[0]), string_arg(args[1])
            else:
                old, new = string_arg(args[1]), string_arg(args[3])
            old, new = old.decode('utf-8', 'replace'), new.decode('utf-8', 'replace')
            if model.inside(old) and old in model.names:
                model.names[new] = model.names.pop(old)
        elif name in ('unlink', 'unlinkat'):
            path = string_arg(args[0] if name == 'unlink' else args[1]).decode('utf-8', 'replace')
            if model.inside(path):
                model.names.pop(path, None)
                model.dirs.discard(path)
        elif name in ('mkdir', 'mkdirat'):
            path = string_arg(args[0] if name == 'mkdir' else args[1]).decode('utf-8', 'replace')
            if model.inside(path):
                model.dirs.add(path.rstrip('/'))
        on_call(model, index, pid, name, args, result, rpath, before=False)
    return model


def check_order(trace, root, snapshot):
    """The protocol's promises, at the calls where they matter. Returns problems."""
    problems = []
    stats = {'syncs': 0, 'articles_created': 0}
    wal = os.path.join(root, 'state', 'tidings.sqlite3-wal')
    articles = os.path.join(root, 'out', 'articles') + '/'
    journal = os.path.join(root, 'out', 'journal') + '/'

    # The index commit of the thread writing a journal line must be synced:
    # the last WAL write of that thread comes before the last WAL sync. (Hook
    # delivery commits its cursor from another thread without a sync, which
    # the protocol allows: a lost cursor reruns a batch.)
    last_wal_write = {}
    last_wal_sync = [-1]

    def on_call(model, index, pid, name, args, result, rpath, before):
        if not before or result < 0:
            return
        if name in ('write', 'pwrite64') and fd_path(args[0]) == wal:
            last_wal_write[pid] = index
        if name in ('fsync', 'fdatasync') and fd_path(args[0]) == wal or name == 'syncfs':
            last_wal_sync[0] = index
        if name in ('fsync', 'fdatasync', 'syncfs'):
            stats['syncs'] += 1
        if name in ('rename', 'renameat', 'renameat2'):
            old, new = (args[0], args[1]) if name == 'rename' else (args[1], args[3])
            old, new = string_arg(old).decode(), string_arg(new).decode()
            if new.startswith(articles):
                ino = model.names.get(old)
                if ino is not None and model.synced[ino] != bytes(model.data[ino]):
                    problems.append(f'call {index}: {new} renamed before its bytes were synced')
        if name == 'write' and (fd_path(args[0]) or '').startswith(journal):
            for line in (string_arg(args[1]) or b'')[:result].splitlines():
                event = json.loads(line)
                target = os.path.join(root, 'out', event['path'])
                if event['event'] == 'created':
                    stats['articles_created'] += 1
                if event['event'] in ('created', 'updated', 'source_added') and not model.durable(target):
                    problems.append(f'call {index}: journal line {event["seq"]} names {event["path"]}, not durable yet')
                if last_wal_write.get(pid, -1) > last_wal_sync[0]:
                    problems.append(f'call {index}: journal line {event["seq"]} written before the index commit was synced')
        if name == 'execve':
            run = hook_run(args)
            if run is None:
                return
            seq = run[0]
            lines = []
            for path, ino in model.dnames.items():
                if path.startswith(journal) and model.names.get(path) == ino:
                    lines += [json.loads(l) for l in model.synced[ino].splitlines() if l.strip()]
            if seq not in {l['seq'] for l in lines}:
                problems.append(f'call {index}: the hook ran for seq {seq} before its journal line was synced')

    replay(trace, root, snapshot, on_call)
    return problems, stats


def build_states(trace, root, snapshot, work, limit):
    """Materializes the states a power loss could leave at each sync call."""
    seen = set()
    hooks = []
    out = []

    def digest(model, names_from, data_from):
        names = model.names if names_from == 'memory' else model.dnames
        h = hashlib.sha256()
        for path in sorted(names):
            ino = names[path]
            content = bytes(model.data[ino]) if data_from == 'memory' else model.synced[ino]
            h.update(path.encode() + b'\0' + hashlib.sha256(content).digest())
        dirs = model.dirs if names_from == 'memory' else model.ddirs
        h.update('\0'.join(sorted(dirs)).encode())
        return h.hexdigest()

    def on_call(model, index, pid, name, args, result, rpath, before):
        if not before:
            if name == 'execve' and result == 0:
                run = hook_run(args)
                if run:
                    hooks.append(run)
            return
        if name not in ('fsync', 'fdatasync', 'syncfs') or not model.inside(fd_path(args[0])):
            return
        for kind, names_from, data_from in (('synced', 'disk', 'disk'), ('renames-kept', 'memory', 'disk'),
                                            ('all', 'memory', 'memory')):
            key = digest(model, names_from, data_from)
            if key in seen or len(out) >= limit:
                continue
            seen.add(key)
            target = os.path.join(work, f'{index:06d}-{kind}')
            model.materialize(target, names_from, data_from)
            out.append({'state': target, 'call': index, 'kind': kind, 'hooks': list(hooks)})

    replay(trace, root, snapshot, on_call)
    return out


def check_state(state, daemon, feeds, stories, root):
    """Starts the daemon on a built state; returns the problems found."""
    base = state['state']
    log = os.path.join(base, 'hook.log')
    config = os.path.join(base, 'tidings.yaml')
    script = 'echo "$TIDINGS_SEQ $TIDINGS_EVENT $1" >> ' + log
    with open(config, 'w') as h:
        h.write('on_article: ' + json.dumps(['/bin/sh', '-c', script, 'hook']) + '\n')
        h.write('hooks_on_backlog: true\n')
    run = subprocess.run([daemon, '--once', '--config', config, '--feeds', feeds,
                          '--state-dir', base + '/state', '--output-dir', base + '/out'],
                         capture_output=True, timeout=120)
    name = os.path.basename(base)
    if run.returncode != 0:
        return [f'{name}: tidingsd exited {run.returncode}: {run.stderr.decode(errors="replace")[-400:]}']
    problems = []
    lines = []
    journal = base + '/out/journal'
    for f in sorted(os.listdir(journal)) if os.path.isdir(journal) else []:
        lines += [json.loads(l) for l in open(os.path.join(journal, f), 'rb').read().splitlines()]
    seqs = [l['seq'] for l in lines]
    if seqs != list(range(1, len(seqs) + 1)):
        problems.append(f'{name}: seqs are not 1..{len(seqs)}: {seqs}')
    files = {}
    for d, _, names in os.walk(base + '/out/articles'):
        for f in names:
            files[os.path.relpath(os.path.join(d, f), base + '/out')] = os.path.join(d, f)
    created = [l['path'] for l in lines if l['event'] == 'created']
    if sorted(created) != sorted(files):
        problems.append(f'{name}: {len(created)} created lines for {len(files)} files '
                        f'(twice: {sorted({p for p in created if created.count(p) > 1})[:3]}, '
                        f'no line: {sorted(set(files) - set(created))[:3]})')
    ids = {os.path.basename(p)[:-5] for p in files}
    if len(ids) != len(files) or len(files) != stories:
        problems.append(f'{name}: {len(files)} files, {len(ids)} ids, {stories} stories served')
    for path, full in files.items():
        try:
            article = json.load(open(full, 'rb'))
            if article.get('id') != os.path.basename(path)[:-5]:
                problems.append(f'{name}: {path} holds article {article.get("id")}')
        except ValueError:
            problems.append(f'{name}: {path} is not whole')
    by_seq = {l['seq']: l for l in lines}
    for seq, event, path in state['hooks']:
        line = by_seq.get(seq)
        relative = os.path.relpath(path, os.path.join(root, 'out'))
        if line is None or line['event'] != event or line['path'] != relative:
            problems.append(f'{name}: a hook ran for seq {seq} ({event} {relative}); the journal now says {line}')
    delivered = {(s, e) for s, e, _ in state['hooks']}
    if os.path.exists(log):
        for entry in open(log).read().splitlines():
            s_, e_, _ = entry.split(' ', 2)
            delivered.add((int(s_), e_))
    for l in lines:
        if l['event'] in ('created', 'updated') and (l['seq'], l['event']) not in delivered:
            problems.append(f'{name}: no hook ran for seq {l["seq"]} ({l["event"]})')
    return problems


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('command', choices=['order', 'states', 'run'])
    p.add_argument('--daemon', help='tidingsd, for run')
    p.add_argument('--feeds', help='the feed list the traced run polled, for run')
    p.add_argument('--stories', type=int, help='how many distinct stories the feeds carry, for run')
    p.add_argument('--trace', required=True)
    p.add_argument('--root', required=True, help='the directory holding state/ and out/ when traced')
    p.add_argument('--snapshot', required=True, help='a copy of ROOT as it was before the traced run')
    p.add_argument('--work', help='where states are built (states)')
    p.add_argument('--limit', type=int, default=400)
    a = p.parse_args()
    root = os.path.realpath(a.root)
    if a.command == 'order':
        problems, stats = check_order(a.trace, root, a.snapshot)
        print(json.dumps({'problems': problems, **stats}))
        return 1 if problems else 0
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    states = build_states(a.trace, root, a.snapshot, a.work, a.limit)
    if a.command == 'states':
        for state in states:
            print(json.dumps(state))
        return 0
    problems = []
    for state in states:
        problems += check_state(state, a.daemon, a.feeds, a.stories, root)
    kinds = {k: sum(1 for s in states if s['kind'] == k) for k in ('synced', 'renames-kept', 'all')}
    print(json.dumps({'states': len(states), 'kinds': kinds, 'problems': problems}))
    return 1 if problems or not states else 0


if __name__ == '__main__':
    sys.exit(main())
