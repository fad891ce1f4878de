<?php
/* A comment as plain blocks: the reader's name, the date, the text, a reply link (no classes, no #comment link). */
function ovanlig_comment($comment, $args, $depth) {
    echo '<div><div><strong>', esc_html(get_comment_author($comment)), '</strong></div>';
    echo '<div>', esc_html(get_comment_date('', $comment)), '</div>';
    echo '<div>', wpautop(esc_html($comment->comment_content)), '</div>';
    echo '<div><a href="#svara">Svara</a></div>';
}
