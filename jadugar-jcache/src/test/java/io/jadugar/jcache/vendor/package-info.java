/** The vendor API ({@code JadugarCache}) on every store. */
package io.jadugar.jcache.vendor;
