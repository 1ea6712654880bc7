package dev.sluice.spring.boot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code sluice.*} properties: the pipelines an application runs, by name. Each entry of
 * {@code sluice.pipelines.<name>} becomes one {@link SluicePipeline} bean; the name keys the pipeline's stored
 * offset (and, by default, its replication slot), so keep it the same across restarts. Immutable.
 *
 * <pre>
 * sluice:
 *   pipelines:
 *     shop-to-lake:
 *       source: { type: postgres, url: jdbc:postgresql://db/shop, user: cdc, password: ..., tables: [public.*] }
 *       sink: { type: parquet, folder: /var/lake }
 * </pre>
 *
 * @param pipelines the pipelines by name
 */
@ConfigurationProperties("sluice")
public record SluiceProperties(@DefaultValue Map<String, PipelineProperties> pipelines) {

    /**
     * Copies the map, keeping the order of the configuration.
     *
     * @param pipelines the pipelines by name
     */
    public SluiceProperties {
        pipelines = Collections.unmodifiableMap(new LinkedHashMap<>(pipelines));
    }
}
