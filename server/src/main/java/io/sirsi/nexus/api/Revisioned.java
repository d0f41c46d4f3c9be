package io.sirsi.nexus.api;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Answers carry {@code X-Sirsi-Index}, the change-log revision the answer is at least as new as (see
 * {@link BlockingReads}); endpoints marked {@link BlockingRead} also
 * take {@code ?index=N&wait=D}.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Revisioned {
}
