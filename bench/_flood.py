# The flood: SOURCES sockets on 127.0.0.2, .3, ... each sending 64-byte datagrams to the server
# round robin, as fast as this one process can, for SECONDS. Prints how many it sent.
#   python3 bench/_flood.py PORT SECONDS SOURCES
import socket, sys, time

port, seconds, sources = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
socks = []
for i in range(sources):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.%d' % (i + 2), 0))
    s.setblocking(False)
    socks.append(s)
payload = b'x' * 64
target = ('127.0.0.1', port)
sent = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    for s in socks:
        for _ in range(20):
            try:
                s.sendto(payload, target)
                sent += 1
            except (BlockingIOError, ConnectionRefusedError):
                pass
print(sent, flush=True)
