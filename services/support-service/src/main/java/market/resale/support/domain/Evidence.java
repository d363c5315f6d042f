package market.resale.support.domain;

/**
 * One piece of evidence: a statement ({@code text}), a quoted message ({@code message}) or a file
 * ({@code file}). The evidence id is also the id of a file's bytes.
 */
public record Evidence(String evidenceId, EvidenceKind kind, String authorId, ActorRole authorRole, long at,
                       String text, MessageQuote message, FileInfo file) {

    public static Evidence statement(String evidenceId, Actor author, long at, String text) {
        return new Evidence(evidenceId, EvidenceKind.STATEMENT, author.id(), author.role(), at, text, null, null);
    }

    public static Evidence message(String evidenceId, Actor author, long at, MessageQuote message) {
        return new Evidence(evidenceId, EvidenceKind.MESSAGE, author.id(), author.role(), at, message.text(), message, null);
    }

    public static Evidence file(String evidenceId, Actor author, long at, FileInfo file) {
        return new Evidence(evidenceId, EvidenceKind.FILE, author.id(), author.role(), at, null, null, file);
    }
}
