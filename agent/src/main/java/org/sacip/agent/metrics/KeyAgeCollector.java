package org.sacip.agent.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.sacip.agent.peer.protocol.AssociationView;

/**
 * {@code sacip_key_age_seconds}: the ages of the keys in use now, one per key lineage, as a gauge histogram (keys are
 * renewed and erased, so its counts go down as well as up). Computed at each scrape from the engine's published view.
 */
final class KeyAgeCollector implements Collector {
    static final String NAME = "sacip_key_age_seconds";
    /** A minute to a week: keys are renewed well within a day, a lineage may hold its key for its whole life. */
    static final double[] BOUNDS = {60, 300, 900, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 604800,
        Double.POSITIVE_INFINITY};

    private final MetricSources sources;
    private final Clock clock;

    KeyAgeCollector(MetricSources sources, Clock clock) {
        this.sources = sources;
        this.clock = clock;
    }

    @Override
    public MetricSnapshot collect() {
        Instant now = clock.instant();
        long[] counts = new long[BOUNDS.length];
        double sum = 0;
        for (AssociationView lineage : sources.engine().lineages()) {
            double age = Math.max(0, Unit.nanosToSeconds(Duration.between(lineage.keyEstablished(), now).toNanos()));
            sum += age;
            int bucket = Arrays.binarySearch(BOUNDS, age);
            counts[bucket >= 0 ? bucket : -bucket - 1]++;
        }
        return HistogramSnapshot.builder().name(NAME).unit(Unit.SECONDS)
                .help("Ages of the keys in use, one per key lineage with a peer").gaugeHistogram(true)
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, counts)).sum(sum).build())
                .build();
    }

    @Override
    public String getPrometheusName() {
        return NAME;
    }

    @Override
    public MetricType getMetricType() {
        return MetricType.HISTOGRAM;
    }
}
