package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.ntp.SymmetricKeys;

/**
 * The responder's symmetric keys, swapped whole when the key file is read again (SIGHUP): a packet
 * sees the old table or the new one, never a mix, and pays one volatile read for it.
 */
final class ReloadableSymmetricKeys implements SymmetricKeys {

    private volatile SymmetricKeys current;

    ReloadableSymmetricKeys(SymmetricKeys initial) {
        this.current = initial;
    }

    void use(KeyFile keyFile) {
        current = KeyFileSymmetricKeys.of(keyFile);
    }

    @Override
    public boolean verify(
            long keyId,
            byte[] data,
            int off,
            int len,
            byte[] digest,
            int digestOff,
            int digestLen) {
        return current.verify(keyId, data, off, len, digest, digestOff, digestLen);
    }

    @Override
    public int sign(
            long keyId, byte[] data, int off, int len, byte[] out, int outOff, int maxLength) {
        return current.sign(keyId, data, off, len, out, outOff, maxLength);
    }

    @Override
    public String toString() {
        return current.toString();
    }
}
