/** Tests of configuration sources, precedence and errors. */
package io.jadugar.jcache.configuration;
