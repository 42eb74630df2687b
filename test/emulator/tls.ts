/**
 * TLS material generated at every start (nothing is committed): a CA and a leaf certificate for
 * `DNS:localhost, IP:127.0.0.1`. Keys come from node:crypto (fast, native); node-forge only builds
 * and signs the X.509 structures.
 */
import { createHash, createPublicKey, generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface TlsMaterial {
  caCertPem: string;
  leafCertPem: string;
  leafKeyPem: string;
  /** base64(SHA-256(SubjectPublicKeyInfo DER)) of the leaf — for Chromium's --ignore-certificate-errors-spki-list. */
  leafSpkiSha256: string;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** RSA key generation runs on the libuv pool, so the CA, leaf and signing keys generate in parallel. */
async function rsaPair(): Promise<{ privatePem: string; publicPem: string }> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function serial(): string {
  // Positive serial: clear the top bit.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, nowMs: number, days: number): void {
  cert.validity.notBefore = new Date(nowMs - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(nowMs + days * 24 * 3600 * 1000);
}

export async function createTlsMaterial(nowMs: number = Date.now()): Promise<TlsMaterial> {
  const [caKeys, leafKeys] = await Promise.all([rsaPair(), rsaPair()]);
  const caPriv = forge.pki.privateKeyFromPem(caKeys.privatePem);

  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(caKeys.publicPem);
  ca.serialNumber = serial();
  validity(ca, nowMs, 30);
  const caName = [
    { name: 'commonName', value: `Graph Bridge Emulator Test CA ${serial().slice(0, 8)}` },
    { name: 'organizationName', value: 'Graph Bridge tests' },
  ];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caPriv, forge.md.sha256.create());

  const leaf = forge.pki.createCertificate();
  leaf.publicKey = forge.pki.publicKeyFromPem(leafKeys.publicPem);
  leaf.serialNumber = serial();
  validity(leaf, nowMs, 29);
  leaf.setSubject([{ name: 'commonName', value: 'localhost' }]);
  leaf.setIssuer(caName);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  leaf.sign(caPriv, forge.md.sha256.create());

  const spkiDer = createPublicKey(leafKeys.publicPem).export({ type: 'spki', format: 'der' });
  return {
    caCertPem: forge.pki.certificateToPem(ca),
    leafCertPem: forge.pki.certificateToPem(leaf),
    leafKeyPem: leafKeys.privatePem,
    leafSpkiSha256: createHash('sha256').update(spkiDer).digest('base64'),
  };
}
