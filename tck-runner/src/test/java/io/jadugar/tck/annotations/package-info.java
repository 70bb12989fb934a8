/**
 * Makes the TCK's annotation tests ({@code org.jsr107.tck.annotation}) real: without a
 * {@link javax.cache.annotation.BeanProvider} on the classpath they are skipped and still pass.
 */
package io.jadugar.tck.annotations;
