package dev.sluice.spring.boot;

import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanRegistrar;
import org.springframework.beans.factory.BeanRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Registers a {@link SluicePipeline} bean, {@code sluicePipeline.<name>}, for each enabled entry of
 * {@code sluice.pipelines}, and with Boot's health support present the {@code sluice} health contributor over them.
 * A value that does not bind (an unknown enum constant, a malformed duration) fails the context here.
 */
final class PipelineRegistrar implements BeanRegistrar {

    static final String BEAN_PREFIX = "sluicePipeline.";

    @Override
    public void register(BeanRegistry registry, Environment env) {
        SluiceProperties properties = Binder.get(env).bindOrCreate("sluice", SluiceProperties.class);
        List<String> names = new ArrayList<>();
        properties.pipelines().forEach((name, pipeline) -> {
            if (!pipeline.enabled()) {
                return;
            }
            names.add(name);
            registry.registerBean(BEAN_PREFIX + name, SluicePipeline.class, spec -> spec
                    .description("the Sluice pipeline sluice.pipelines." + name)
                    .supplier(context -> {
                        ObjectProvider<DataSource> dataSource = context.beanProvider(DataSource.class);
                        ObjectProvider<SluicePipelineCustomizer> customizers =
                                context.beanProvider(SluicePipelineCustomizer.class);
                        return new SluicePipeline(name, pipeline, new PipelineFactory(name, pipeline,
                                dataSource::getIfUnique, () -> customizers.orderedStream().toList()));
                    }));
        });
        if (!names.isEmpty() && healthEnabled(env)) {
            SluiceHealth.register(registry, names);
        }
    }

    /** As Boot's {@code @ConditionalOnEnabledHealthIndicator("sluice")}. */
    private static boolean healthEnabled(Environment env) {
        if (!ClassUtils.isPresent("org.springframework.boot.health.contributor.HealthIndicator",
                PipelineRegistrar.class.getClassLoader())) {
            return false;
        }
        boolean defaults = env.getProperty("management.health.defaults.enabled", Boolean.class, true);
        return env.getProperty("management.health.sluice.enabled", Boolean.class, defaults);
    }
}
