package dev.ntsfarm.core.clock;

/** Two-sided 95 % quantiles of Student's t distribution, for turning a deviation into a bound. */
final class StudentT {
    private static final double[] T95 = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        2.040, 2.037, 2.035, 2.032, 2.030, 2.028, 2.026, 2.024, 2.023, 2.021,
    };
    private static final double LARGE_DF = 2.0;

    private StudentT() {}

    static double coefficient95(int degreesOfFreedom) {
        if (degreesOfFreedom < 1) {
            throw new IllegalArgumentException(
                    "degrees of freedom (expected: >= 1): " + degreesOfFreedom);
        }
        return degreesOfFreedom <= T95.length ? T95[degreesOfFreedom - 1] : LARGE_DF;
    }
}
