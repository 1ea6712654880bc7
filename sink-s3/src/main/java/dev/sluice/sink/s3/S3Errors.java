package dev.sluice.sink.s3;

import dev.sluice.FatalException;
import dev.sluice.RetriableException;
import dev.sluice.SluiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Sorts S3 failures into those the pipeline recovers from and those that need a person, with the fix. */
final class S3Errors {

    private S3Errors() {}

    static SluiceException translate(String what, S3Settings settings, SdkException e) {
        if (e instanceof NoSuchBucketException || e instanceof S3Exception s3 && "NoSuchBucket".equals(code(s3))) {
            return new FatalException(what + ": the bucket '" + settings.bucket() + "' does not exist. Fix: create"
                    + " it, or correct the bucket (and the endpoint) given to ParquetSink.builder().s3(…).", e);
        }
        if (e instanceof S3Exception s3) {
            String code = code(s3);
            int status = s3.statusCode();
            if ("InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)) {
                return new FatalException(what + ": the credentials are not accepted (" + code + "). Fix: check the"
                        + " access key and secret given to credentials(…), or those of the default credential chain"
                        + " (AWS_ACCESS_KEY_ID, ~/.aws/credentials, the instance role).", e);
            }
            if ("AccessDenied".equals(code) || status == 403) {
                return new FatalException(what + ": access denied. Fix: grant these credentials s3:PutObject,"
                        + " s3:GetObject, s3:DeleteObject and s3:ListBucket on " + settings.bucket() + "/"
                        + settings.prefix() + "*.", e);
            }
            if ("PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code) || status == 301) {
                return new FatalException(what + ": the bucket is in another region (" + code + "). Fix: set the"
                        + " bucket's region with ParquetSink.builder().region(…).", e);
            }
            if (status >= 500 || status == 429 || status == 408 || "SlowDown".equals(code)
                    || "RequestTimeout".equals(code)) {
                return new RetriableException(what + ": " + s3.getMessage() + " (still failing after the client's"
                        + " retries)", e);
            }
            return new FatalException(what + ": " + s3.getMessage() + ". The request was refused as malformed or not"
                    + " allowed; check the sink's S3 settings.", e);
        }
        if (e instanceof SdkClientException && e.getMessage() != null
                && e.getMessage().contains("Unable to load credentials")) {
            return new FatalException(what + ": no credentials found. Fix: pass them with credentials(accessKey,"
                    + " secretKey), or configure the default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,"
                    + " ~/.aws/credentials, an instance role).", e);
        }
        // no answer: connection refused or reset, timeout. May pass; the pipeline reopens from its last commit.
        return new RetriableException(what + ": " + e.getMessage(), e);
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }
}
