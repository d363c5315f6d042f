package market.resale.issuer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The issuer's RSA signing key: read from its file, or generated (and written there, owner-only, when a file is named). */
final class SigningKey {

    private static final Logger log = LoggerFactory.getLogger(SigningKey.class);

    private SigningKey() {
    }

    static RSAKey load(Path file) {
        try {
            if (file == null) {
                return generate();
            }
            if (Files.exists(file)) {
                var key = JWK.parse(Files.readString(file, StandardCharsets.UTF_8));
                if (!(key instanceof RSAKey rsa) || !rsa.isPrivate()) {
                    throw new IllegalStateException(file + " must hold an RSA JWK with its private part");
                }
                log.info("Signing key {} read from {}", rsa.getKeyID(), file);
                return rsa;
            }
            var key = generate();
            var parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                // Created readable by its owner only, before the private key is written into it.
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                log.warn("Could not restrict {} to its owner (not a POSIX file system)", file);
                Files.createFile(file);
            }
            Files.writeString(file, key.toJSONString(), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            log.info("Signing key {} generated and written to {}", key.getKeyID(), file);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Signing key file " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException(file + " is not a JWK: " + e.getMessage(), e);
        }
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not generate an RSA key", e);
        }
    }
}
