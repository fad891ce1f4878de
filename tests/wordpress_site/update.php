<?php
/* Change a post as an editor would: `php update.php SLUG JSON`, JSON naming wp_posts columns and their values. */
$_SERVER['HTTP_HOST'] = 'localhost';
require __DIR__ . '/bootstrap.php';
require ABSPATH . 'wp-settings.php';
[$script, $slug, $changes] = $argv;
$post = get_page_by_path($slug, OBJECT, ['post', 'page']);
if (!$post) { fwrite(STDERR, "no post at /$slug/\n"); exit(1); }
// Straight to the table: wp_update_post would set the modified time to now, and tests choose it.
$wpdb->update($wpdb->posts, json_decode($changes, true, 512, JSON_THROW_ON_ERROR), ['ID' => $post->ID]);
clean_post_cache($post->ID);
echo $post->ID, "\n";
