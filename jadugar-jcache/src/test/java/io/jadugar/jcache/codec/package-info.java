/** Tests of serializers, compressors, frames, the allow-list and corruption handling. */
package io.jadugar.jcache.codec;
