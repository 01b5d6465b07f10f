package dev.ntsfarm.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * How chrony splits a line of its configuration and key files into words ({@code CPS_SplitWord}).
 */
public final class ChronyWords {

    private ChronyWords() {}

    /** Words separated by C {@code isspace} characters. */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            int s = i;
            while (i < n && !isSpace(line.charAt(i))) {
                i++;
            }
            if (i > s) {
                words.add(line.substring(s, i));
            }
        }
        return words;
    }

    /** C's {@code isspace} in the "C" locale. */
    public static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\f';
    }
}
