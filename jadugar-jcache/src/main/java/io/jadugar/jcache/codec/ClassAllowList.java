package io.jadugar.jcache.codec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes that stored bytes may name. Everything else is refused before it is loaded, so that
 * bytes written by somebody else cannot make the application instantiate a gadget class.
 *
 * <p>Allowed by default: JDK value types ({@code java.lang} boxes and {@code String}, {@code
 * java.math}, {@code java.time}, {@code java.util} collections, {@code UUID}), arrays of allowed
 * types, the cache's configured key and value types and the classes of their packages, Hibernate's
 * second-level cache entries and keys ({@code org.hibernate.cache.}), and Spring's cache keys
 * ({@code org.springframework.cache.interceptor.SimpleKey}) and the JSR-107 reference annotation
 * interceptors' keys ({@code org.jsr107.ri.annotations.DefaultGeneratedCacheKey}). Users add class names and package
 * prefixes (ending in {@code .}) through {@code jadugar.serializer.allow}.
 */
public final class ClassAllowList {

  private static final List<String> DEFAULT_PREFIXES = List.of(
      "java.math.", "java.time.", "java.util.", "org.hibernate.cache.");

  private static final Set<String> DEFAULT_CLASSES = Set.of(
      "java.lang.String", "java.lang.Boolean", "java.lang.Byte", "java.lang.Short",
      "java.lang.Character", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
      "java.lang.Double", "java.lang.Number", "java.lang.Enum", "java.lang.Object",
      "java.lang.StringBuilder", "java.lang.CharSequence", "java.lang.Comparable",
      "java.io.Serializable", "java.net.URI",
      "org.jsr107.ri.annotations.DefaultGeneratedCacheKey",
      // not java.net.URL: its hashCode resolves the host, so a stored set of URLs made every read
      // do DNS look-ups (the URLDNS gadget); a user who needs it names it in jadugar.serializer.allow
      "org.springframework.cache.interceptor.SimpleKey",
      "org.springframework.cache.interceptor.SimpleKeyGenerator");

  /** Packages never allowed, even when a prefix would cover them: known gadget chains. */
  private static final List<String> DENIED_PREFIXES = List.of(
      "java.util.logging.", "java.util.concurrent.locks.", "javax.management.", "java.rmi.",
      "sun.", "com.sun.", "jdk.", "org.apache.commons.collections.functors.",
      "org.apache.commons.collections4.functors.", "org.codehaus.groovy.runtime.",
      "com.sun.org.apache.xalan.", "org.springframework.beans.factory.");

  private final List<String> prefixes;
  private final Set<String> classes;
  private final ConcurrentHashMap<String, Boolean> decided = new ConcurrentHashMap<>();

  private ClassAllowList(List<String> prefixes, Set<String> classes) {
    this.prefixes = prefixes;
    this.classes = classes;
  }

  /**
   * The defaults, plus {@code userEntries} (class names, or package prefixes ending in
   * {@code .}), plus the cache's key and value types and their packages.
   */
  public static ClassAllowList of(Collection<String> userEntries, Class<?>... cacheTypes) {
    List<String> p = new ArrayList<>(DEFAULT_PREFIXES);
    Set<String> c = new java.util.HashSet<>(DEFAULT_CLASSES);
    for (String e : userEntries) {
      String entry = e.trim();
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.endsWith(".") || entry.endsWith("*")) {
        p.add(entry.endsWith("*") ? entry.substring(0, entry.length() - 1) : entry);
      } else {
        c.add(entry);
      }
    }
    for (Class<?> t : cacheTypes) {
      if (t != null && t != Object.class) {
        c.add(t.getName());
        if (t.getPackageName().length() > 0 && !t.getName().startsWith("java.")) {
          p.add(t.getPackageName() + ".");
        }
      }
    }
    return new ClassAllowList(List.copyOf(p), Set.copyOf(c));
  }

  /** Whether bytes may name {@code className} (a binary name, arrays as {@code [L...;}). */
  public boolean allows(String className) {
    return decided.computeIfAbsent(className, this::decide);
  }

  /** Throws a {@link ClassNotAllowedException} naming {@code className} unless it is allowed. */
  public void check(String className) {
    if (!allows(className)) {
      throw new ClassNotAllowedException(className);
    }
  }

  private boolean decide(String name) {
    String n = name;
    while (n.startsWith("[")) {
      n = n.substring(1);
    }
    if (n.length() == 1) {
      return true; // array of a primitive type
    }
    if (n.startsWith("L") && n.endsWith(";")) {
      n = n.substring(1, n.length() - 1);
    }
    if (n.indexOf('.') < 0 && isPrimitive(n)) {
      return true;
    }
    for (String denied : DENIED_PREFIXES) {
      if (n.startsWith(denied)) {
        return false;
      }
    }
    if (classes.contains(n)) {
      return true;
    }
    String outer = n.indexOf('$') > 0 ? n.substring(0, n.indexOf('$')) : n;
    if (classes.contains(outer)) {
      return true;
    }
    for (String prefix : prefixes) {
      if (n.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isPrimitive(String n) {
    switch (n) {
      case "int": case "long": case "short": case "byte": case "char": case "boolean":
      case "float": case "double": case "void":
        return true;
      default:
        return false;
    }
  }
}
