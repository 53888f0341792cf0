# The reference point: the Python tutorial's uppercase echo server, a plain recvfrom/sendto loop.
import json, socket, sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
print(json.dumps({'event': 'listening', 'port': s.getsockname()[1]}), flush=True)
while True:
    data, addr = s.recvfrom(2048)
    s.sendto(data.decode('utf-8').upper().encode('utf-8'), addr)
