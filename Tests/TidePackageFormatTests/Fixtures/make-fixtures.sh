#!/bin/sh
# Regenerates the tar fixtures with GNU tar and Python's tarfile. Run from this folder.
set -e
out=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
long="data/a-rather-long-folder-name-that-goes-on-and-on/another-long-folder-name-to-pass-one-hundred-bytes"
mkdir -p "$work/fibo/$long"
cat > "$work/fibo/package.yaml" <<'YAML'
name: fibo
version: 1.0.0
module: fibo.wasm
functions:
  fibo:
    parameters:
      - name: n
        type: i64
    result: i64
files:
  model:
    path: data/model.bin
YAML
printf '\000asm\001\000\000\000' > "$work/fibo/fibo.wasm"
python3 -c "import sys; sys.stdout.buffer.write(bytes(i % 251 for i in range(1000)))" > "$work/fibo/data/model.bin"
printf 'deep\n' > "$work/fibo/$long/deep.txt"
common="--sort=name --mtime=2024-01-01 --owner=0 --group=0 --numeric-owner"
(cd "$work" && tar $common --format=gnu -cf "$out/gnu-tar-wrapped.tar" fibo)
tar $common --format=posix --pax-option=delete=atime,delete=ctime -C "$work/fibo" -cf "$out/gnu-tar-posix-dot.tar" .
cd "$work/fibo"
python3 - "$out" "$long" <<'PY'
import io, os, sys, tarfile
out, long = sys.argv[1], sys.argv[2]
files = ['package.yaml', 'fibo.wasm', 'data/model.bin', long + '/deep.txt']
def reset(info):
    info.mtime = 1700000000; info.uid = info.gid = 0; info.uname = info.gname = ''
    return info
for name, fmt in [('python-ustar.tar', tarfile.USTAR_FORMAT), ('python-gnu.tar', tarfile.GNU_FORMAT),
                  ('python-pax.tar', tarfile.PAX_FORMAT)]:
    with tarfile.open(os.path.join(out, name), 'w', format=fmt) as tar:
        for f in files:
            tar.add(f, filter=reset)
def hostile(name, infos):
    with tarfile.open(os.path.join(out, name), 'w', format=tarfile.GNU_FORMAT) as tar:
        tar.add('package.yaml', filter=reset)
        for info, data in infos:
            reset(info)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
def regular(name, data):
    info = tarfile.TarInfo(name); info.size = len(data); return (info, data)
def special(name, kind, link=''):
    info = tarfile.TarInfo(name); info.type = kind; info.linkname = link; return (info, None)
hostile('python-traversal.tar', [regular('../evil.sh', b'#!/bin/sh\n')])
hostile('python-absolute.tar', [regular('/etc/cron.d/evil', b'* * * * * root true\n')])
hostile('python-symlink.tar', [special('fibo.wasm', tarfile.SYMTYPE, '/etc/passwd')])
hostile('python-hardlink.tar', [special('fibo.wasm', tarfile.LNKTYPE, 'package.yaml')])
hostile('python-device.tar', [special('dev/null', tarfile.CHRTYPE)])
hostile('python-duplicate.tar', [regular('fibo.wasm', b'one'), regular('./fibo.wasm', b'two')])
PY
