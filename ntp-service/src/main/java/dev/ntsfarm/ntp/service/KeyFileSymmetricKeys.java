package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.keyfile.MacAlgorithm;
import dev.ntsfarm.core.keyfile.NtpMac;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.SymmetricKeys;
import java.util.Arrays;
import java.util.List;

/**
 * The keys of chrony's key file as the responder's MAC verifier and signer ({@code server HOST key
 * N} clients). Looks a key up by binary search over a sorted id array, so the hot path allocates
 * nothing to find it; MACs follow chrony 4.3's truncation rules for the packet's NTP version (read
 * from the first byte of the data, which is the packet's header).
 */
public final class KeyFileSymmetricKeys implements SymmetricKeys {

    private final long[] ids;
    private final SymmetricKey[] keys;
    private final ThreadLocal<byte[]> scratch =
            ThreadLocal.withInitial(() -> new byte[MacAlgorithm.MAX_HASH_LENGTH]);

    private KeyFileSymmetricKeys(List<SymmetricKey> sorted) {
        ids = new long[sorted.size()];
        keys = new SymmetricKey[sorted.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = sorted.get(i).id();
            keys[i] = sorted.get(i);
        }
    }

    /** The keys of {@code keyFile}. */
    public static KeyFileSymmetricKeys of(KeyFile keyFile) {
        return new KeyFileSymmetricKeys(keyFile.keys()); // keys() is by increasing id
    }

    private SymmetricKey find(long keyId) {
        int i = Arrays.binarySearch(ids, keyId);
        return i >= 0 ? keys[i] : null;
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
        SymmetricKey key = find(keyId);
        if (key == null || len < NtpHeader.LENGTH) {
            return false;
        }
        return NtpMac.verify(
                key, NtpHeader.version(data, off), data, off, len, digest, digestOff, digestLen);
    }

    @Override
    public int sign(
            long keyId, byte[] data, int off, int len, byte[] out, int outOff, int maxLength) {
        SymmetricKey key = find(keyId);
        if (key == null || len < NtpHeader.LENGTH || maxLength <= 0) {
            return -1;
        }
        byte[] mac = scratch.get();
        int n = NtpMac.compute(key, NtpHeader.version(data, off), data, off, len, mac, 0);
        int written = Math.min(n, maxLength);
        System.arraycopy(mac, 0, out, outOff, written);
        return written;
    }

    /** Number of keys. */
    public int size() {
        return ids.length;
    }

    @Override
    public String toString() {
        return "KeyFileSymmetricKeys[" + ids.length + " keys, ids=" + Arrays.toString(ids) + "]";
    }
}
