"""A throw-away test CA and a server certificate for 127.0.0.1/localhost, made at start."""

import datetime
import ipaddress
import os
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'Harbor emulator'),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _usage(cert_sign):
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=cert_sign, crl_sign=cert_sign,
                         encipher_only=False, decipher_only=False)


def _builder(subject, issuer, public_key):
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=30)))


def _write(path, data):
    with open(path, 'wb') as handle:
        handle.write(data)


def generate(directory):
    """Write ca.pem, server.pem and server-key.pem into directory; return their paths."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name('Harbor emulator test CA')
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (_builder(ca_name, ca_name, ca_key.public_key())
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(_usage(True), critical=True)
               .add_extension(ca_ski, critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    alt_names = [x509.DNSName('localhost'), x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]
    cert = (_builder(_name('127.0.0.1'), ca_name, key.public_key())
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = {name: os.path.join(directory, name) for name in ('ca.pem', 'server.pem', 'server-key.pem')}
    _write(paths['ca.pem'], ca_cert.public_bytes(serialization.Encoding.PEM))
    _write(paths['server.pem'], cert.public_bytes(serialization.Encoding.PEM))
    _write(paths['server-key.pem'], key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()))
    return paths


def server_context(directory):
    """Generate the certificates and return (ssl server context, ca path)."""
    paths = generate(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(paths['server.pem'], paths['server-key.pem'])
    return context, paths['ca.pem']
