<?php
/*
 * Install WordPress and load the site: `php install.php SITE_URL CONTENT_JSON`.
 * Debian has no wp-cli, so this does what `wp core install` does: wp_install() from PHP.
 * The Python side decides every text and date; this script only hands them to WordPress.
 */
[$script, $site_url, $content_file] = $argv;
$content = json_decode(file_get_contents($content_file), true, 512, JSON_THROW_ON_ERROR);

$_SERVER['HTTP_HOST'] = parse_url($site_url, PHP_URL_HOST) . ':' . parse_url($site_url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REQUEST_METHOD'] = 'GET';
define('WP_INSTALLING', true);
define('WPLANG', $content['site']['locale']);  // so the default widgets and category are written in Swedish
require __DIR__ . '/bootstrap.php';

$db = new mysqli('localhost', DB_USER, DB_PASSWORD, '', 0, getenv('DAGBOK_WP_SOCKET'));
$db->query('CREATE DATABASE IF NOT EXISTS ' . DB_NAME . ' CHARACTER SET utf8mb4 COLLATE utf8mb4_swedish_ci');
$db->close();

require ABSPATH . 'wp-settings.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$site = $content['site'];
$installed = wp_install($site['name'], 'admin', 'admin@example.invalid', true, '', 'dagbok-test', $site['locale']);
wp_set_current_user($installed['user_id']);

foreach ($site['options'] as $name => $value) {
    update_option($name, $value);
}
update_option('siteurl', $site_url);
update_option('home', $site_url);
global $wp_rewrite;
$wp_rewrite->set_permalink_structure($site['options']['permalink_structure']);
$wp_rewrite->flush_rules(false);

// The default widgets (twentytwentyone shows them under every post), set to show dates and
// comment excerpts as many sites do: other posts' dates and readers' words right after the post.
$widgets = get_option('widget_block');
foreach ($site['widget_blocks'] as $from => $to) {
    $found = false;
    foreach ($widgets as $key => $widget) {
        if (is_array($widget) && isset($widget['content']) && strpos($widget['content'], $from) !== false) {
            $widgets[$key]['content'] = str_replace($from, $to, $widget['content']);
            $found = true;
        }
    }
    if (!$found) { fwrite(STDERR, "no default widget holds $from\n"); exit(1); }
}
update_option('widget_block', $widgets);

// A stock install's first post, page and privacy draft: a real site has removed them.
foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => 'any', 'numberposts' => -1]) as $old) {
    wp_delete_post($old->ID, true);
}

$editor_id = wp_insert_user([
    'user_login' => $site['editor']['login'], 'display_name' => $site['editor']['name'],
    'nickname' => $site['editor']['name'], 'user_email' => $site['editor']['login'] . '@example.invalid',
    'user_pass' => 'dagbok-test', 'role' => 'editor',
]);
if (is_wp_error($editor_id)) { fwrite(STDERR, $editor_id->get_error_message() . "\n"); exit(1); }

$categories = [];
foreach ($content['categories'] as $category) {
    $term = wp_insert_term($category['name'], 'category', ['slug' => $category['slug']]);
    if (is_wp_error($term)) { fwrite(STDERR, $term->get_error_message() . "\n"); exit(1); }
    $categories[$category['slug']] = $term['term_id'];
}

$ids = [];
foreach ($content['posts'] as $item) {
    $post = [
        'post_type' => $item['type'], 'post_status' => 'publish', 'post_author' => $editor_id,
        'post_name' => $item['slug'], 'post_title' => $item['title'], 'post_content' => $item['content'],
        'post_date' => $item['date'], 'post_date_gmt' => $item['date_gmt'],
        'comment_status' => $item['type'] === 'post' ? 'open' : 'closed',
    ];
    if ($item['parent']) { $post['post_parent'] = $ids[$item['parent']]; }
    if ($item['category']) { $post['post_category'] = [$categories[$item['category']]]; }
    $id = wp_insert_post($post, true);
    if (is_wp_error($id)) { fwrite(STDERR, $item['slug'] . ': ' . $id->get_error_message() . "\n"); exit(1); }
    $slug = get_post_field('post_name', $id);
    if ($slug !== $item['slug']) { fwrite(STDERR, "slug {$item['slug']} became $slug\n"); exit(1); }
    // wp_insert_post sets a new post's modified time to its date (the ground truth has its own) and its guid
    // to the permalink (a post written in the editor keeps the draft's `?p=ID`).
    $guid = home_url($item['type'] === 'page' ? "/?page_id=$id" : "/?p=$id");
    $wpdb->update($wpdb->posts, ['post_modified' => $item['modified'], 'post_modified_gmt' => $item['modified_gmt'],
                                 'guid' => $guid], ['ID' => $id]);
    clean_post_cache($id);
    $ids[$item['slug']] = $id;
    foreach ($item['comments'] as $comment) {
        wp_insert_comment([
            'comment_post_ID' => $id, 'comment_author' => $comment['author'],
            'comment_author_email' => $comment['email'], 'comment_content' => $comment['text'],
            'comment_date' => $comment['date'], 'comment_date_gmt' => $comment['date_gmt'],
            'comment_approved' => 1,
        ]);
    }
}
switch_theme($site['theme']);
echo json_encode(['posts' => count($ids)]), "\n";
