package io.jadugar.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;

/**
 * Proves the TCK's annotation tests went through real interceptors into the provider under test.
 *
 * <p>Without a working {@link javax.cache.annotation.BeanProvider} the TCK silently skips those 12 tests, and
 * they pass. With one, the interceptors' default resolver creates the caches named below in the default
 * cache manager of {@code Caching.getCachingProvider()}; nothing else in the TCK creates them.
 */
final class AnnotationInterceptionProof {

  /** Cache names used by the TCK's {@code manager.*BlogManagerImpl} annotations. */
  static final List<String> ANNOTATION_CACHES = List.of(
      "blogManager",
      "blgMngr",
      "manager.UsingDefaultCacheNameBlogManagerImpl.getEntryCached(java.lang.String)");

  private AnnotationInterceptionProof() {
  }

  /**
   * Checks the caching provider's class and that the annotation caches exist in its default cache manager.
   *
   * @param expectedProviderClass the provider class required, or {@code null} to skip that check
   * @return a one-line description of what was found
   * @throws AssertionError when the annotation tests cannot have used the provider
   */
  static String verify(String expectedProviderClass) {
    CachingProvider provider = Caching.getCachingProvider();
    String providerClass = provider.getClass().getName();
    if (expectedProviderClass != null && !expectedProviderClass.equals(providerClass)) {
      throw new AssertionError("Caching provider is " + providerClass + ", expected " + expectedProviderClass);
    }
    CacheManager manager = provider.getCacheManager();
    Set<String> names = new TreeSet<>();
    manager.getCacheNames().forEach(names::add);
    List<String> missing = new ArrayList<>(ANNOTATION_CACHES);
    missing.removeAll(names);
    if (!missing.isEmpty()) {
      throw new AssertionError("The TCK annotation tests did not reach " + providerClass + ": caches " + missing
          + " are missing from its default cache manager (it has " + names + "). Is the BeanProvider in "
          + "META-INF/services and are the Guice interceptors applied?");
    }
    return "annotation tests used caches " + ANNOTATION_CACHES + " of " + manager.getClass().getName()
        + " from " + providerClass;
  }
}
