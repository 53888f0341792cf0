# Relay members for the benchmarks, each one address on 127.0.0.0/8 that says '^hb^' to join.
#   _members.py hold PORT N      N sockets that join and stay bound without reading (the kernel
#                                queues what the relay sends, then drops it: no cost to measure).
#                                stdin 'count' -> drains every socket, prints the datagrams read.
#   _members.py join PORT N      N distinct addresses (127.0.1.x, fixed ports) join once each,
#                                each socket closed right after; paced so the relay drops none.
#                                stdin 'again' -> the same N join again (refreshes); 'exit'.
import json, resource, socket, sys, time

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
mode, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
relay = ('127.0.0.1', port)
HB = b'^hb^'
PACE = 200  # datagrams between short pauses

def say(**fields):
    print(json.dumps(fields), flush=True)

def hold():
    socks = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(('127.0.0.1', 0))
        s.setblocking(False)
        s.sendto(HB, relay)
        socks.append(s)
        if i % PACE == PACE - 1:
            time.sleep(0.002)
    say(event='ready', members=n)
    for line in sys.stdin:
        if line.strip() != 'count':
            break
        got = 0
        for s in socks:
            while True:
                try:
                    s.recv(4096)
                    got += 1
                except BlockingIOError:
                    break
        say(event='count', received=got)

def addresses():
    hosts, ports = 250, range(20000, 20000 + (n + 249) // 250)
    for p in ports:
        for h in range(hosts):
            yield (f'127.0.{1 + h // 250}.{1 + h % 250}', p)

def join():
    done = 0
    for i, address in enumerate(addresses()):
        if done == n:
            break
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(address)
            s.sendto(HB, relay)
            done += 1
        except OSError:
            pass
        finally:
            s.close()
        if done % PACE == 0:
            time.sleep(0.001)
    return done

say(event='ready', members=join()) if mode == 'join' else hold()
if mode == 'join':
    for line in sys.stdin:
        if line.strip() != 'again':
            break
        say(event='ready', members=join())
