<?php
/* Switch the site's theme: `php theme.php STYLESHEET` (what Appearance → Themes does). */
$_SERVER['HTTP_HOST'] = 'localhost';
require __DIR__ . '/bootstrap.php';
require ABSPATH . 'wp-settings.php';
$theme = wp_get_theme($argv[1]);
if (!$theme->exists() || $theme->errors()) { fwrite(STDERR, "no usable theme {$argv[1]}\n"); exit(1); }
switch_theme($argv[1]);
echo get_stylesheet(), "\n";
