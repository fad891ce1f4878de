<?php
/*
 * What wp-config.php would say, read from the environment the Python fixture sets.
 * Debian's own wp-config.php looks in /etc/wordpress; this site touches nothing outside its folder.
 */
define('ABSPATH', rtrim(getenv('DAGBOK_WP_CORE'), '/') . '/');
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:' . getenv('DAGBOK_WP_SOCKET'));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_CONTENT_DIR', getenv('DAGBOK_WP_CONTENT'));
// One request at a time on `php -S`: a cron or update check calling back into the server would hang it.
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_DEBUG', false);
foreach (['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY',
          'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'] as $key) {
    define($key, 'dagbok-test-site-' . $key);
}
$table_prefix = 'wp_';
