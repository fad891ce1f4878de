<?php
/*
 * Router for `php -S`: files under the document root (theme styles, scripts) are served as they are;
 * every other path goes to WordPress, which reads pretty permalinks from REQUEST_URI
 * (what Apache's mod_rewrite rules in WordPress's .htaccess do).
 */
require __DIR__ . '/bootstrap.php';

$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
if ($path !== '/' && substr($path, -4) !== '.php' && is_file($_SERVER['DOCUMENT_ROOT'] . $path)) {
    return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = ABSPATH . 'index.php';
unset($_SERVER['PATH_INFO']);

define('WP_USE_THEMES', true);
require ABSPATH . 'wp-settings.php';
wp();
require ABSPATH . WPINC . '/template-loader.php';
