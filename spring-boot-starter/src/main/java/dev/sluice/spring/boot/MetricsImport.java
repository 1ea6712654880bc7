package dev.sluice.spring.boot;

import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Imports {@code SluiceMetricsConfiguration} where the starter was built with it: its sources
 * ({@code src/micrometer/java}) are compiled only when the {@code sluice-micrometer} module is in the build (the
 * {@code with-sluice-micrometer} profile of this module's pom). Once both are always built together, this selector
 * can give way to a plain {@code @Import}.
 */
final class MetricsImport implements ImportSelector {

    static final String CONFIGURATION = "dev.sluice.spring.boot.SluiceMetricsConfiguration";

    @Override
    public String[] selectImports(AnnotationMetadata importingClassMetadata) {
        return ClassUtils.isPresent(CONFIGURATION, MetricsImport.class.getClassLoader())
                ? new String[] {CONFIGURATION} : new String[0];
    }
}
