#!/usr/bin/env bash
# Brings up a throwaway, REAL WordPress (Debian's package) on 127.0.0.1 for publishing tests:
# a private MariaDB (unix socket only) + `php -S` with several workers, no Docker, no network.
#
#   bash wp-up.sh start STATE_DIR PORT   # fresh instance; the last stdout line is a JSON summary
#   bash wp-up.sh stop  STATE_DIR        # stop the instance started in STATE_DIR
#
# Env: WP_ENV_TYPE (default "local": Application Passwords work over plain http only then),
#      WP_SEO_PLUGIN (yoast | rank-math | none; which SEO meta keys the fixture exposes to REST),
#      WP_OWNER_PID (optional: the instance stops itself when this process disappears),
#      WP_SRC_DIR (default /usr/share/wordpress).
# Packages: install-packages.sh beside this file (root). The layout follows the Debian package.
set -euo pipefail

cmd="${1:-}"
STATE="${2:-}"
[[ -n "$cmd" && -n "$STATE" ]] || { echo "usage: $0 start STATE_DIR PORT | stop STATE_DIR" >&2; exit 2; }
RUN="$STATE/run"        # socket, pid and error log of MariaDB (owned by the database user)
SOCK="$RUN/mysqld.sock"
DOCROOT="$STATE/www"

stop_instance() {
  if [[ -f "$STATE/watchdog.pid" ]]; then
    # the watchdog itself ends up here through `exec`: never kill the running stop
    [[ "$(cat "$STATE/watchdog.pid")" == "$$" ]] || kill -TERM "$(cat "$STATE/watchdog.pid")" 2>/dev/null || true
    rm -f "$STATE/watchdog.pid"
  fi
  if [[ -f "$STATE/php.pid" ]]; then
    # php -S was started with setsid: its pid is the process-group id of master + workers
    kill -TERM -- "-$(cat "$STATE/php.pid")" 2>/dev/null || true
    rm -f "$STATE/php.pid"
  fi
  if [[ -f "$RUN/mysqld.pid" ]]; then
    local pid
    pid=$(cat "$RUN/mysqld.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$RUN/mysqld.pid"
  fi
}

if [[ "$cmd" == "stop" ]]; then stop_instance; exit 0; fi
[[ "$cmd" == "start" ]] || { echo "unknown command $cmd" >&2; exit 2; }

PORT="${3:?port}"
HOST=127.0.0.1
URL="http://$HOST:$PORT"
ENV_TYPE="${WP_ENV_TYPE:-local}"
SEO_PLUGIN="${WP_SEO_PLUGIN:-yoast}"
SRC="${WP_SRC_DIR:-/usr/share/wordpress}"
t0=$(date +%s%N)
log() { local ms=$(( ($(date +%s%N) - t0) / 1000000 )); printf '[wp-up %d.%03ds] %s\n' $((ms/1000)) $((ms%1000)) "$*" >&2; }
trap 'rc=$?; if ((rc != 0)); then echo "wp-up failed (rc=$rc), stopping what it started" >&2; stop_instance; fi' EXIT

for bin in php mariadbd mariadb-install-db mariadb mariadb-admin; do
  command -v "$bin" >/dev/null || { echo "missing $bin: run install-packages.sh as root" >&2; exit 3; }
done
[[ -f "$SRC/wp-load.php" ]] || { echo "no WordPress tree in $SRC: run install-packages.sh as root" >&2; exit 3; }
if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then echo "port $PORT already in use" >&2; exit 4; fi

stop_instance
rm -rf "$STATE"
mkdir -p "$STATE" "$RUN" "$STATE/db"

# ---------------------------------------------------------------- private MariaDB, socket only
DB_USER_ARGS=()
if ((EUID == 0)); then
  chown mysql:mysql "$RUN" "$STATE/db"
  DB_USER_ARGS=(--user=mysql)
fi
# mariadb-install-db takes seconds: build an empty data directory once per MariaDB version and
# copy it for every instance.
CACHE="${WP_CACHE_DIR:-${TMPDIR:-/tmp}/igny8-wp-cache}"
TEMPLATE="$CACHE/mariadb-$(mariadbd --version | md5sum | cut -c1-12)-$EUID"
if [[ ! -d "$TEMPLATE" ]]; then
  mkdir -p "$CACHE"
  (
    flock 9
    if [[ ! -d "$TEMPLATE" ]]; then
      tmp=$(mktemp -d "$CACHE/build.XXXXXX")
      if ((EUID == 0)); then chown mysql:mysql "$tmp"; fi
      mariadb-install-db --no-defaults "${DB_USER_ARGS[@]}" --datadir="$tmp" \
        --auth-root-authentication-method=socket --skip-test-db --skip-log-bin \
        --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
        >"$STATE/mariadb-install-db.log" 2>&1 || { cat "$STATE/mariadb-install-db.log" >&2; exit 5; }
      mv "$tmp" "$TEMPLATE"
    fi
  ) 9>"$CACHE/.lock"
fi
rm -rf "$STATE/db"
cp -a "$TEMPLATE" "$STATE/db"
# Throwaway data: no durability wanted, speed is.
setsid mariadbd --no-defaults "${DB_USER_ARGS[@]}" --datadir="$STATE/db" --socket="$SOCK" \
  --pid-file="$RUN/mysqld.pid" --log-error="$RUN/mysqld.err" --skip-networking \
  --innodb-buffer-pool-size=64M --innodb-log-file-size=16M --skip-log-bin \
  --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --max-connections=200 \
  </dev/null >/dev/null 2>&1 &
for _ in $(seq 1 200); do mariadb-admin --no-defaults -S "$SOCK" -u root ping >/dev/null 2>&1 && break; sleep 0.05; done
mariadb-admin --no-defaults -S "$SOCK" -u root ping >/dev/null 2>&1 || { cat "$RUN/mysqld.err" >&2; exit 5; }
DB_PASS=$(php -r 'echo bin2hex(random_bytes(12));')
mariadb --no-defaults -S "$SOCK" -u root <<SQL
CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'wp'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON wordpress.* TO 'wp'@'localhost';
SQL
log "mariadb up"

# ---------------------------------------------------------------- WordPress files
# A private copy of the tree gives a plain layout (own wp-config.php, uploads inside the docroot);
# Debian's own config dispatches on the host name to /etc/wordpress and is never touched.
cp -al "$SRC" "$DOCROOT" 2>/dev/null || { rm -rf "$DOCROOT"; cp -a "$SRC" "$DOCROOT"; }   # hard links: WordPress never writes its own files here
rm -rf "$DOCROOT/.htaccess" "$DOCROOT/wp-config.php" "$DOCROOT/wp-content/database"
rm -rf "$DOCROOT/wp-content/uploads" && mkdir -p "$DOCROOT/wp-content/uploads" "$DOCROOT/wp-content/mu-plugins"

salts=$(php -r 'foreach (["AUTH_KEY","SECURE_AUTH_KEY","LOGGED_IN_KEY","NONCE_KEY","AUTH_SALT","SECURE_AUTH_SALT","LOGGED_IN_SALT","NONCE_SALT"] as $k) printf("define(%s, %s);\n", var_export($k,true), var_export(base64_encode(random_bytes(48)),true));')
cat >"$DOCROOT/wp-config.php" <<PHP
<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'wp');
define('DB_PASSWORD', '$DB_PASS');
define('DB_HOST', 'localhost:$SOCK');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$salts
\$table_prefix = 'wp_';
define('WP_ENVIRONMENT_TYPE', '$ENV_TYPE');
define('IGNY8_HARNESS_STATE', '$STATE');
define('WP_DEBUG', true);
define('WP_DEBUG_DISPLAY', false);
define('WP_DEBUG_LOG', '$STATE/wp-debug.log');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('FS_METHOD', 'direct');
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
PHP

echo "$SEO_PLUGIN" >"$STATE/seo-plugin"
# The site fixture: what a real site gets from an SEO plugin that exposes its fields to REST, a
# custom post type from a plugin, and switches the tests flip at run time through files.
cat >"$DOCROOT/wp-content/mu-plugins/igny8-harness.php" <<'PHP'
<?php
/* Plugin Name: IGNY8 test-site fixture */
function igny8_harness_flag($name) {
    $f = IGNY8_HARNESS_STATE . '/' . $name;
    return file_exists($f) ? trim((string) file_get_contents($f)) : null;
}
// Like a security plugin that switches Application Passwords off.
if (igny8_harness_flag('application-passwords-disabled') !== null) {
    add_filter('wp_is_application_passwords_available', '__return_false');
}
add_action('init', function () {
    register_post_type('book', [
        'label' => 'Books', 'public' => true, 'show_in_rest' => true, 'rest_base' => 'books',
        'supports' => ['title', 'editor', 'excerpt', 'thumbnail', 'custom-fields', 'author'],
        'taxonomies' => ['category', 'post_tag'],
    ]);
    $keys = [
        'yoast' => ['_yoast_wpseo_title', '_yoast_wpseo_metadesc', '_yoast_wpseo_focuskw'],
        'rank-math' => ['rank_math_title', 'rank_math_description', 'rank_math_focus_keyword'],
    ][igny8_harness_flag('seo-plugin') ?? 'none'] ?? [];
    foreach (['post', 'page', 'book'] as $type) {
        foreach ($keys as $k) {
            register_post_meta($type, $k, [
                'type' => 'string', 'single' => true, 'show_in_rest' => true,
                // protected (underscore) keys need an explicit auth callback to be writable
                'auth_callback' => function () { return current_user_can('edit_posts'); },
            ]);
        }
    }
});
add_filter('pre_wp_mail', '__return_false');   // no MTA: never try to send mail
// Like a loaded server: for terms named "Slow race ...", a random pause between WordPress's
// duplicate-name check and its slug check, the gap concurrent creators of one term race through.
add_filter('term_exists_default_query_args', function ($defaults, $term) {
    if (is_string($term) && strpos($term, 'slow-race-') === 0) usleep(random_int(0, 400000));
    return $defaults;
}, 10, 2);
PHP

# Router for php's built-in server: real files as-is, everything else through index.php
cat >"$STATE/router.php" <<'PHP'
<?php
$root = $_SERVER['DOCUMENT_ROOT'];
$path = '/' . ltrim(parse_url(urldecode($_SERVER['REQUEST_URI']), PHP_URL_PATH) ?? '/', '/');
if (file_exists($root . $path)) {
    if (is_dir($root . $path) && substr($path, -1) !== '/') { header("Location: $path/"); exit; }
    if (strpos($path, '.php') !== false) {
        chdir(dirname($root . $path));
        $_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = $path;
        $_SERVER['SCRIPT_FILENAME'] = $root . $path;
        require $root . $path;
        return;
    }
    return false;
}
chdir($root);
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
require $root . '/index.php';
PHP

# ---------------------------------------------------------------- install (no wp-cli in Debian)
cat >"$STATE/wp-install.php" <<'PHP'
<?php
[, $docroot, $url] = $argv;
$u = parse_url($url);
$_SERVER['HTTP_HOST'] = $u['host'] . (isset($u['port']) ? ':' . $u['port'] : '');
$_SERVER['SERVER_NAME'] = $u['host'];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
define('WP_INSTALLING', true);
define('WP_SITEURL', $url);   // else wp_guess_url() in CLI gives a wrong base
define('WP_HOME', $url);
require $docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
if (is_blog_installed()) { fwrite(STDERR, "already installed\n"); exit(1); }
$pw = function () { return bin2hex(random_bytes(12)); };
$adminPass = $pw();
wp_install('IGNY8 Test Site', 'admin', 'admin@example.com', true, '', wp_slash($adminPass), 'en_US');
update_option('siteurl', $url);
update_option('home', $url);
global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%postname%/');
flush_rewrite_rules(false);
$users = ['admin' => get_user_by('login', 'admin')->ID];
foreach (['editor', 'author'] as $role) {
    $id = wp_insert_user(['user_login' => $role, 'user_pass' => $pw(), 'user_email' => "$role@example.com",
                          'role' => $role, 'display_name' => ucfirst($role) . ' User']);
    if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message() . "\n"); exit(1); }
    $users[$role] = $id;
}
$out = ['url' => $url, 'wpVersion' => get_bloginfo('version'), 'users' => []];
foreach ($users as $login => $id) {
    $app = WP_Application_Passwords::create_new_application_password($id, ['name' => 'igny8-tests']);
    if (is_wp_error($app)) { fwrite(STDERR, $app->get_error_message() . "\n"); exit(1); }
    $out['users'][$login] = ['id' => $id, 'username' => $login, 'appPassword' => $app[0],
                             'password' => $login === 'admin' ? $adminPass : null];
}
echo json_encode($out), "\n";
PHP

PHP_CLI_SERVER_WORKERS=8 setsid php -d opcache.enable_cli=1 -d opcache.memory_consumption=128 -d upload_max_filesize=64M -d post_max_size=64M -d memory_limit=256M \
  -d display_errors=0 -S "$HOST:$PORT" -t "$DOCROOT" "$STATE/router.php" \
  </dev/null >"$STATE/php-server.log" 2>&1 &
echo $! >"$STATE/php.pid"

summary=$(php "$STATE/wp-install.php" "$DOCROOT" "$URL")
log "wordpress installed"

for _ in $(seq 1 100); do
  if php -r 'exit(@file_get_contents($argv[1]) === false ? 1 : 0);' "$URL/wp-json/" 2>/dev/null; then break; fi
  sleep 0.05
done

if [[ -n "${WP_OWNER_PID:-}" ]]; then
  # Stop the instance when the process that asked for it is gone (even after a SIGKILL).
  setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec bash "$2" stop "$3"' \
    _ "$WP_OWNER_PID" "$0" "$STATE" </dev/null >/dev/null 2>&1 &
  echo $! >"$STATE/watchdog.pid"
fi
log "ready at $URL"
echo "$summary"
