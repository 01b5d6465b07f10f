package dev.ntsfarm.core.keyfile;

/**
 * The MAC algorithms of chrony's key file, named as chrony names them in the HASH column.
 *
 * <p>For the digest algorithms the NTP MAC is {@code HASH(key || message)} (the RFC 5905 section
 * 7.3 construction chrony keeps, not HMAC); for {@code AES128}/{@code AES256} it is AES-CMAC (RFC
 * 4493) of the message under the key. The message is the NTP packet up to the key id, extension
 * fields included.
 *
 * <p>Truncation follows chrony 4.3 ({@code ntp_auth.c}): in NTPv4 packets a MAC trailer longer than
 * {@link #NTP_MAX_V4_MAC_LENGTH} is cut to that length, so that extension fields can be told apart
 * from the MAC (RFC 7822 section 7.5); only SHA256 and longer digests are affected. NTPv3 packets
 * carry the whole digest. See {@link NtpMac} for what is accepted.
 */
public enum MacAlgorithm {
    MD5("MD5", "MD5", 16, 0),
    SHA1("SHA1", "SHA-1", 20, 0),
    SHA256("SHA256", "SHA-256", 32, 0),
    SHA384("SHA384", "SHA-384", 48, 0),
    SHA512("SHA512", "SHA-512", 64, 0),
    SHA3_224("SHA3-224", "SHA3-224", 28, 0),
    SHA3_256("SHA3-256", "SHA3-256", 32, 0),
    SHA3_384("SHA3-384", "SHA3-384", 48, 0),
    SHA3_512("SHA3-512", "SHA3-512", 64, 0),
    /** AES-CMAC with a key of exactly 16 bytes. */
    AES128("AES128", null, 16, 16),
    /** AES-CMAC with a key of exactly 32 bytes. */
    AES256("AES256", null, 16, 32);

    /** Length of the key id that starts every MAC trailer. */
    public static final int KEY_ID_LENGTH = 4;

    /** Longest digest chrony handles (its {@code MAX_HASH_LENGTH}). */
    public static final int MAX_HASH_LENGTH = 64;

    /**
     * Shortest MAC trailer (key id + 16-byte digest) chrony accepts ({@code NTP_MIN_MAC_LENGTH}).
     */
    public static final int NTP_MIN_MAC_LENGTH = KEY_ID_LENGTH + 16;

    /** Longest MAC trailer in an NTPv4 packet that is not cut ({@code NTP_MAX_V4_MAC_LENGTH}). */
    public static final int NTP_MAX_V4_MAC_LENGTH = KEY_ID_LENGTH + 20;

    /** Longest MAC trailer at all ({@code NTP_MAX_MAC_LENGTH}). */
    public static final int NTP_MAX_MAC_LENGTH = KEY_ID_LENGTH + MAX_HASH_LENGTH;

    /** The hash chrony assumes when a key line has no HASH column. */
    public static final MacAlgorithm DEFAULT = MD5;

    private final String chronyName;
    private final String jcaName;
    private final int digestLength;
    private final int cmacKeyLength;

    MacAlgorithm(String chronyName, String jcaName, int digestLength, int cmacKeyLength) {
        this.chronyName = chronyName;
        this.jcaName = jcaName;
        this.digestLength = digestLength;
        this.cmacKeyLength = cmacKeyLength;
    }

    /** The name in the key file's HASH column (case matters, as in chrony). */
    public String chronyName() {
        return chronyName;
    }

    /** The JCA {@code MessageDigest} name; {@code null} for the CMAC algorithms. */
    String jcaName() {
        return jcaName;
    }

    /** Full output length of the hash or CMAC in bytes. */
    public int digestLength() {
        return digestLength;
    }

    /** Whether this is AES-CMAC (true) or a {@code HASH(key || message)} digest (false). */
    public boolean isCmac() {
        return cmacKeyLength != 0;
    }

    /** Required key length in bytes for CMAC; 0 for the digests, which take any non-empty key. */
    public int cmacKeyLength() {
        return cmacKeyLength;
    }

    /**
     * Length of the MAC (after the key id) this algorithm puts into a packet of NTP version {@code
     * ntpVersion}.
     */
    public int macLength(int ntpVersion) {
        int max = (ntpVersion == 4 ? NTP_MAX_V4_MAC_LENGTH : NTP_MAX_MAC_LENGTH) - KEY_ID_LENGTH;
        return Math.min(digestLength, max);
    }

    /**
     * Length of the whole MAC trailer (key id + MAC) in a packet of NTP version {@code ntpVersion}.
     */
    public int trailerLength(int ntpVersion) {
        return KEY_ID_LENGTH + macLength(ntpVersion);
    }

    /** The algorithm chrony calls {@code name} (exact, case-sensitive match), or {@code null}. */
    public static MacAlgorithm fromChronyName(String name) {
        for (MacAlgorithm a : values()) {
            if (a.chronyName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
