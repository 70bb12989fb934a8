package io.jadugar.tck.annotations;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import javax.cache.annotation.BeanProvider;
import manager.CacheNameOnEachMethodBlogManagerImpl;
import manager.ClassLevelCacheConfigBlogManagerImpl;
import manager.UsingDefaultCacheNameBlogManagerImpl;
import org.jsr107.ri.annotations.guice.module.CacheAnnotationsModule;

/**
 * Hands the TCK's blog managers out of a Guice injector whose JSR-107 reference interceptors
 * apply {@code @CacheResult}/{@code @CacheRemove}/{@code @CacheRemoveAll} to them.
 *
 * <p>Found by the TCK through {@code META-INF/services/javax.cache.annotation.BeanProvider}. The interceptors'
 * default resolver uses {@code Caching.getCachingProvider()}'s default cache manager, so the annotated calls
 * land in the provider under test.
 */
public final class GuiceBeanProvider implements BeanProvider {

  private final Injector injector;

  /** Public no-arg constructor, as {@link java.util.ServiceLoader} requires. */
  public GuiceBeanProvider() {
    injector = Guice.createInjector(new CacheAnnotationsModule(), new AbstractModule() {
      @Override
      protected void configure() {
        // Explicit bindings, so a missing or renamed TCK bean fails at start-up rather than mid-test.
        bind(CacheNameOnEachMethodBlogManagerImpl.class);
        bind(ClassLevelCacheConfigBlogManagerImpl.class);
        bind(UsingDefaultCacheNameBlogManagerImpl.class);
      }
    });
  }

  @Override
  public <T> T getBeanByType(Class<T> beanClass) {
    return injector.getInstance(beanClass);
  }
}
