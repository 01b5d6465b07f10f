package dev.ntsfarm.core.keyfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

class NtpMacPropertiesTest {

    @Property(tries = 300)
    void cmacAgreesWithBouncyCastle(
            @ForAll @Size(16) byte[] key16,
            @ForAll @Size(32) byte[] key32,
            @ForAll @Size(max = 200) byte[] message,
            @ForAll boolean wide) {
        byte[] key = wide ? key32 : key16;
        SymmetricKey k = new SymmetricKey(1, wide ? MacAlgorithm.AES256 : MacAlgorithm.AES128, key);
        CMac bc = new CMac(AESEngine.newInstance());
        bc.init(new KeyParameter(key));
        bc.update(message, 0, message.length);
        byte[] expected = new byte[16];
        bc.doFinal(expected, 0);

        byte[] ours = new byte[16];
        NtpMac.compute(k, message, 0, message.length, ours, 0);
        assertArrayEquals(expected, ours);
        assertTrue(NtpMac.verify(k, message, 0, message.length, ours, 0, 16));
    }
}
