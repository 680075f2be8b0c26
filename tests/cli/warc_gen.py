#!/usr/bin/env python3
"""Writes a small WARC file of a few pages, as a crawler would, for
tests/cli/warc.sh: warc_gen.py OUT.warc [--gz] [--bad KIND].
Records: warcinfo, request, a response (HTML, chunked), a response (HTML
gzip-compressed, charset windows-1252 in the HTTP Content-Type), a 404
response, an image response, a WET conversion record and a resource.
--bad truncated | length | chunk | gzip makes one record wrong."""
import gzip, sys, uuid, zlib

out, gz = sys.argv[1], '--gz' in sys.argv
bad = sys.argv[sys.argv.index('--bad') + 1] if '--bad' in sys.argv else None

def record(wtype, uri, date, block, ctype, extra=''):
    rid = '<urn:uuid:%s>' % uuid.UUID(int=abs(hash((wtype, uri, date))) % (1 << 128))
    h = 'WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: %s\r\nWARC-Date: %s\r\n' % (wtype, rid, date)
    if uri: h += 'WARC-Target-URI: %s\r\n' % uri
    h += extra
    h += 'Content-Type: %s\r\nContent-Length: %d\r\n\r\n' % (ctype, len(block))
    return h.encode() + block + b'\r\n\r\n'

def page(title, body):
    return ('<!doctype html><html><head><title>%s</title><script>var t="%s";</script></head><body>'
            '<nav>Home | World | Sport</nav><h1>%s</h1><p>%s</p><footer>Copyright Example News</footer></body></html>'
            % (title, title, title, body))

def http(status, headers, body):
    return ('HTTP/1.1 %s\r\n' % status).encode() + ''.join('%s: %s\r\n' % kv for kv in headers).encode() + b'\r\n' + body

def chunked(b, size=37):
    out = b''
    for i in range(0, len(b), size):
        c = b[i:i + size]
        out += b'%x\r\n' % len(c) + c + b'\r\n'
    return out + b'0\r\n\r\n'

p1 = page('Council meets on the budget', 'The city council met on Tuesday to debate the budget for next year, '
          'with the mayor proposing cuts to road repairs and more money for libraries and parks.').encode()
p2 = page('Caf\u00e9 owners protest', 'Caf\u00e9 owners in the old town protested on Monday against the new '
          'rules on terraces, which they say will cost them half of their summer trade.').encode('cp1252')
recs = [
    record('warcinfo', None, '2024-03-01T10:00:00Z', b'software: warc_gen.py\r\nformat: WARC File Format 1.1\r\n',
           'application/warc-fields'),
    record('request', 'https://news.example/council', '2024-03-01T10:00:01Z',
           b'GET /council HTTP/1.1\r\nHost: news.example\r\n\r\n', 'application/http; msgtype=request'),
    record('response', 'https://news.example/council', '2024-03-01T10:00:02Z',
           http('200 OK', [('Content-Type', 'text/html; charset=utf-8'), ('Transfer-Encoding', 'chunked')],
                chunked(p1) if bad != 'chunk' else b'zz\r\nxx'), 'application/http; msgtype=response'),
    record('response', 'https://news.example/cafe', '2024-03-02T08:30:00Z',
           http('200 OK', [('Content-Type', 'text/html; charset=windows-1252'), ('Content-Encoding', 'gzip')],
                gzip.compress(p2, mtime=0) if bad != 'gzip' else gzip.compress(p2, mtime=0)[:-30]),
           'application/http; msgtype=response'),
    record('response', 'https://news.example/missing', '2024-03-02T08:31:00Z',
           http('404 Not Found', [('Content-Type', 'text/html')], b'<p>Not found</p>'), 'application/http; msgtype=response'),
    record('response', 'https://news.example/logo.png', '2024-03-02T08:32:00Z',
           http('200 OK', [('Content-Type', 'image/png')], b'\x89PNG....'), 'application/http; msgtype=response'),
    record('conversion', 'https://news.example/weather', '2024-03-03T06:00:00Z',
           'Rain is expected all week along the coast, with storms on Thursday and sunshine again by Sunday.'.encode(),
           'text/plain'),
]
if bad == 'length':  # a Content-Length that lies (one byte short)
    r = recs[2]
    n = int(r.split(b'Content-Length: ')[1].split(b'\r\n')[0])
    recs[2] = r.replace(b'Content-Length: %d' % n, b'Content-Length: %d' % (n - 1))
if bad == 'truncated':
    recs[-1] = recs[-1][:-10]  # the file ends inside the last block
with open(out, 'wb') as f:
    for r in recs:
        f.write(gzip.compress(r, mtime=0) if gz else r)  # one gzip member per record, as Common Crawl
