# Room members as the tutorials make them: plain UDP sockets, driven by a test through stdin.
#   members.py '{"relays": [PORT, ...], "per": K}'     ("per" may also be a list: K for each relay)
# K sockets per relay join it with '^hb^' and it prints {"event": "joined", "ports": [[relay, port], ...]}.
# Then one JSON command per stdin line:
#   {"say": [[MEMBER, TEXT], ...]}   each member sends its text to its own relay
#   {"collect": N, "timeout": S, "quiet": S}
#       reads until every member has N new datagrams (or S seconds pass), then for `quiet` seconds
#       more (to catch a duplicate), and prints {"event": "received", "lines": [[TEXT, ...] per member]};
#       with "only": [MEMBER, ...] it waits for those members alone
import json, resource, select, socket, sys, time

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
spec = json.loads(sys.argv[1])
per = spec['per'] if isinstance(spec['per'], list) else [spec['per']] * len(spec['relays'])
members = []
for port, count in zip(spec['relays'], per):
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 18)
        s.bind(('127.0.0.1', 0))
        s.setblocking(False)
        s.sendto(b'^hb^', ('127.0.0.1', port))
        members.append((s, port))

def say(**fields):
    print(json.dumps(fields), flush=True)

say(event='joined', ports=[[port, s.getsockname()[1]] for s, port in members])

def collect(n, timeout, quiet, only):
    got = [[] for _ in members]
    waited = only if only is not None else range(len(members))
    index = {s.fileno(): i for i, (s, _) in enumerate(members)}
    poller = select.poll()
    for s, _ in members:
        poller.register(s, select.POLLIN)
    deadline = time.monotonic() + timeout
    settle = None
    while True:
        now = time.monotonic()
        if settle is None and (all(len(got[i]) >= n for i in waited) or now >= deadline):
            settle = now + quiet
        end = settle if settle is not None else deadline
        if now >= end:
            break
        ready = [fd for fd, _ in poller.poll((end - now) * 1000)]
        for fd in ready:
            s = members[index[fd]][0]
            while True:
                try:
                    data = s.recv(65535)
                except BlockingIOError:
                    break
                got[index[fd]].append(data.decode('utf-8', 'replace'))
    say(event='received', lines=got)

for line in sys.stdin:
    command = json.loads(line)
    if 'say' in command:
        for i, text in command['say']:
            s, port = members[i]
            s.sendto(text.encode('utf-8'), ('127.0.0.1', port))
        say(event='said', count=len(command['say']))
    elif 'collect' in command:
        collect(command['collect'], command.get('timeout', 20), command.get('quiet', 0.5), command.get('only'))
