package dev.ntsfarm.core.ntp;

/** The symmetric keys of a key file, both ways (RFC 5905 section 7.3 MACs). */
public interface SymmetricKeys extends MacVerifier, MacSigner {

    /** No key file: every MAC fails. */
    SymmetricKeys NONE =
            new SymmetricKeys() {
                @Override
                public boolean verify(
                        long keyId,
                        byte[] data,
                        int off,
                        int len,
                        byte[] digest,
                        int digestOff,
                        int digestLen) {
                    return false;
                }

                @Override
                public int sign(
                        long keyId,
                        byte[] data,
                        int off,
                        int len,
                        byte[] out,
                        int outOff,
                        int maxLength) {
                    return -1;
                }

                @Override
                public String toString() {
                    return "SymmetricKeys.NONE";
                }
            };

    static SymmetricKeys of(MacVerifier verifier, MacSigner signer) {
        return new SymmetricKeys() {
            @Override
            public boolean verify(
                    long keyId,
                    byte[] data,
                    int off,
                    int len,
                    byte[] digest,
                    int digestOff,
                    int digestLen) {
                return verifier.verify(keyId, data, off, len, digest, digestOff, digestLen);
            }

            @Override
            public int sign(
                    long keyId,
                    byte[] data,
                    int off,
                    int len,
                    byte[] out,
                    int outOff,
                    int maxLength) {
                return signer.sign(keyId, data, off, len, out, outOff, maxLength);
            }
        };
    }
}
