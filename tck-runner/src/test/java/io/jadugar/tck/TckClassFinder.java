package io.jadugar.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jsr107.tck.testutil.TestSupport;
import org.junit.Test;
import org.junit.runner.RunWith;

/**
 * Lists the TCK test classes in the cache-tests tests jar, using the rules surefire would apply to them.
 *
 * <p>Those rules: surefire's default includes ({@code Test*}, {@code *Test}, {@code *Tests}, {@code *TestCase}),
 * no nested classes, and only concrete classes JUnit 4 can run (with {@code @Test} methods or {@code @RunWith}),
 * which drops e.g. {@code AbstractInterceptionTest}. Against TCK 1.1.1 this gives 491 tests.
 */
final class TckClassFinder {

  /** Surefire's default include patterns, as simple-name regexes. */
  private static final Pattern INCLUDED_NAME = Pattern.compile("Test.*|.*Test|.*Tests|.*TestCase");

  /** The TCK package whose tests must run last; see {@link #find()}. */
  static final String ANNOTATION_PACKAGE = "org.jsr107.tck.annotation";

  private TckClassFinder() {
  }

  /**
   * Finds the TCK test classes, sorted by name with the annotation tests last.
   *
   * <p>Annotation tests go last so their caches still exist in the default cache manager when
   * {@link AnnotationInterceptionProof} looks: several TCK classes close the default provider.
   *
   * @return the classes to run, never empty
   */
  static List<Class<?>> find() {
    // A class only the tests jar has tells where that jar (or, in an IDE, that directory) is.
    Path location = locationOf(TestSupport.class);
    List<String> names = Files.isDirectory(location) ? namesInDirectory(location) : namesInJar(location);
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    List<Class<?>> classes = new ArrayList<>();
    for (String name : names) {
      Class<?> candidate = load(name, loader);
      if (isRunnableTest(candidate)) {
        classes.add(candidate);
      }
    }
    if (classes.isEmpty()) {
      throw new IllegalStateException("No TCK test classes found in " + location);
    }
    classes.sort(Comparator.<Class<?>, Boolean>comparing(c -> c.getPackageName().equals(ANNOTATION_PACKAGE))
        .thenComparing(Class::getName));
    return classes;
  }

  private static Path locationOf(Class<?> type) {
    try {
      return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot locate the TCK tests jar", e);
    }
  }

  private static List<String> namesInJar(Path jar) {
    List<String> names = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : (Iterable<JarEntry>) file.stream()::iterator) {
        addIfIncluded(entry.getName(), names);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the TCK tests jar " + jar, e);
    }
    return names;
  }

  private static List<String> namesInDirectory(Path dir) {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      files.forEach(f -> addIfIncluded(dir.relativize(f).toString().replace('\\', '/'), names));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the TCK test classes in " + dir, e);
    }
    return names;
  }

  private static void addIfIncluded(String path, List<String> names) {
    if (!path.endsWith(".class") || path.contains("$")) {
      return;
    }
    String className = path.substring(0, path.length() - ".class".length()).replace('/', '.');
    String simpleName = className.substring(className.lastIndexOf('.') + 1);
    if (INCLUDED_NAME.matcher(simpleName).matches()) {
      names.add(className);
    }
  }

  private static Class<?> load(String name, ClassLoader loader) {
    try {
      // Not initialised: the TCK's static set-up (e.g. the BeanProvider lookup) must happen when its tests run.
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException("Cannot load TCK class " + name, e);
    }
  }

  private static boolean isRunnableTest(Class<?> c) {
    int modifiers = c.getModifiers();
    if (c.isInterface() || Modifier.isAbstract(modifiers) || !Modifier.isPublic(modifiers)) {
      return false;
    }
    if (c.isAnnotationPresent(RunWith.class) || junit.framework.Test.class.isAssignableFrom(c)) {
      return true;
    }
    for (Method method : c.getMethods()) {
      if (method.isAnnotationPresent(Test.class)) {
        return true;
      }
    }
    return false;
  }
}
