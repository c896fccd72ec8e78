"""Test CA and localhost server certificate, made with the openssl CLI.

Files in workdir: ca.key, ca.pem, server-<ec|rsa>.key, server-<ec|rsa>.pem.
Existing files are reused.  A lock file serialises concurrent mocks that
share a workdir; files appear atomically (written under a temp name, then
renamed).
"""
import fcntl
import os
import subprocess
import tempfile

CA_SUBJ = '/CN=source-pylon test CA'


def _run(args, cwd):
    p = subprocess.run(['openssl'] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError('openssl %s failed: %s' % (
            args[0], p.stderr.decode(errors='replace')[-500:]))


def ensure_certs(workdir, key_type='ec'):
    """Return (ca_file, cert_file, key_file), generating what is missing."""
    os.makedirs(workdir, exist_ok=True)
    ca_key = os.path.join(workdir, 'ca.key')
    ca_pem = os.path.join(workdir, 'ca.pem')
    s_key = os.path.join(workdir, 'server-%s.key' % key_type)
    s_pem = os.path.join(workdir, 'server-%s.pem' % key_type)
    if all(os.path.exists(f) for f in (ca_key, ca_pem, s_key, s_pem)):
        return ca_pem, s_pem, s_key
    with open(os.path.join(workdir, '.lock'), 'w') as lockf:
        fcntl.flock(lockf, fcntl.LOCK_EX)
        tmp = tempfile.mkdtemp(dir=workdir, prefix='.gen-')
        try:
            if not (os.path.exists(ca_key) and os.path.exists(ca_pem)):
                with open(os.path.join(tmp, 'ca.cnf'), 'w') as f:
                    f.write('[req]\ndistinguished_name=dn\n[dn]\n'
                            '[v3_ca]\n'
                            'basicConstraints=critical,CA:TRUE\n'
                            'keyUsage=critical,keyCertSign,cRLSign\n'
                            'subjectKeyIdentifier=hash\n')
                _run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes',
                      '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650',
                      '-sha256', '-subj', CA_SUBJ, '-config', 'ca.cnf',
                      '-extensions', 'v3_ca'], tmp)
                os.replace(os.path.join(tmp, 'ca.key'), ca_key)
                os.replace(os.path.join(tmp, 'ca.pem'), ca_pem)
            if not (os.path.exists(s_key) and os.path.exists(s_pem)):
                if key_type == 'ec':
                    _run(['genpkey', '-algorithm', 'EC', '-pkeyopt',
                          'ec_paramgen_curve:P-256', '-out', 'server.key'],
                         tmp)
                    ku = 'critical,digitalSignature'
                else:
                    _run(['genpkey', '-algorithm', 'RSA', '-pkeyopt',
                          'rsa_keygen_bits:2048', '-out', 'server.key'], tmp)
                    ku = 'critical,digitalSignature,keyEncipherment'
                with open(os.path.join(tmp, 'ext.cnf'), 'w') as f:
                    f.write('basicConstraints=CA:FALSE\n'
                            'keyUsage=%s\n'
                            'extendedKeyUsage=serverAuth\n'
                            'subjectAltName=DNS:localhost\n'
                            'authorityKeyIdentifier=keyid\n' % ku)
                _run(['req', '-new', '-key', 'server.key', '-subj',
                      '/CN=localhost', '-out', 'server.csr'], tmp)
                _run(['x509', '-req', '-in', 'server.csr', '-CA', ca_pem,
                      '-CAkey', ca_key, '-set_serial',
                      str(int.from_bytes(os.urandom(8), 'big')),
                      '-days', '825', '-sha256', '-extfile', 'ext.cnf',
                      '-out', 'server.pem'], tmp)
                os.replace(os.path.join(tmp, 'server.key'), s_key)
                os.replace(os.path.join(tmp, 'server.pem'), s_pem)
        finally:
            for n in os.listdir(tmp):
                os.unlink(os.path.join(tmp, n))
            os.rmdir(tmp)
    return ca_pem, s_pem, s_key
