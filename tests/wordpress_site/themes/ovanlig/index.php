<!DOCTYPE html>
<html <?php language_attributes(); ?>>
<head><meta charset="<?php bloginfo('charset'); ?>"><title><?php wp_title('|', true, 'right'); bloginfo('name'); ?></title></head>
<body>
<div><a href="<?php echo esc_url(home_url('/')); ?>"><?php bloginfo('name'); ?></a></div>
<div>
  <div><b>Nytt på sajten</b></div>
  <?php foreach (get_posts(['numberposts' => 4]) as $other) : ?>
    <div><a href="<?php echo esc_url(get_permalink($other)); ?>"><?php echo esc_html(get_the_title($other)); ?></a></div>
    <div><?php echo esc_html(get_the_date('', $other)); ?></div>
  <?php endforeach; ?>
  <div><b>Läsarna säger</b></div>
  <?php foreach (get_comments(['number' => 3, 'status' => 'approve']) as $said) : ?>
    <div><?php echo esc_html($said->comment_author); ?></div>
    <div><a href="<?php echo esc_url(get_comment_link($said)); ?>"><?php echo esc_html(get_comment_date('', $said)); ?></a></div>
    <div><?php echo esc_html(wp_trim_words($said->comment_content, 12)); ?></div>
  <?php endforeach; ?>
</div>
<div>
<?php while (have_posts()) : the_post(); ?>
  <div>
    <div><?php if (is_singular()) { echo '<big>', esc_html(get_the_title()), '</big>'; } else { ?><a href="<?php the_permalink(); ?>"><?php the_title(); ?></a><?php } ?></div>
    <?php if (get_post_type() === 'post') : ?>
      <div>Postat den <?php echo esc_html(get_the_date()); ?> av <?php the_author(); ?></div>
    <?php endif; ?>
    <?php if (is_singular()) { the_content(); } else { the_excerpt(); } ?>
    <?php if (is_singular('post')) : ?>
      <div>Kategori: <?php echo esc_html(implode(', ', wp_list_pluck(get_the_category(), 'name'))); ?></div>
      <?php $comments = get_comments(['post_id' => get_the_ID(), 'status' => 'approve', 'order' => 'ASC']); ?>
      <?php if ($comments) : ?>
        <div><b>Kommentarer (<?php echo count($comments); ?>)</b></div>
        <?php wp_list_comments(['callback' => 'ovanlig_comment', 'style' => 'div'], $comments); ?>
      <?php endif; ?>
      <?php comment_form(['title_reply' => 'Säg något', 'class_form' => '', 'label_submit' => 'Skicka']); ?>
    <?php endif; ?>
  </div>
<?php endwhile; ?>
<?php if (!is_singular()) { echo '<div>'; next_posts_link('Äldre inlägg'); echo ' '; previous_posts_link('Nyare inlägg'); echo '</div>'; } ?>
</div>
<div>Allmännyttan</div>
</body>
</html>
