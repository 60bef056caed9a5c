#!/bin/bash
# test_photos.sh — product photos through a real lighttpd: multipart uploads
# (JPEG, PNG, WebP), the renditions at /media/{id} (headers, 304, 404, no
# EXIF), replace and remove, every refused upload and malformed multipart
# body of issue 12, and the photo in the catalog and the cart.
. "$(dirname "$0")/lib.sh"
start_app

JAR=$WORK/admin.jar
PHOTOS=$WORK/photos
header() { tr -d '\r' < "$HEADERS" | sed -n "s/^$1: //Ip" | head -n 1; }

# The test pictures, made now with libvips (no binary fixtures in the tree).
mkdir -p "$PHOTOS"
cc -std=c11 -O1 -o "$WORK/mkphotos" "$TOP/tests/integration/mkphotos.c" \
    $(pkg-config --cflags --libs vips) && "$WORK/mkphotos" "$PHOTOS" ||
	{ nok "the test photos are made"; finish; exit 1; }

admin_login "$JAR" admin@example.com "$ORDERSYNC_ADMIN_PASSWORD"
req GET /admin/products/new -b "$JAR"
CSRF=$(sed -n 's/.*name="csrf" value="\([0-9a-f]\{64\}\)".*/\1/p' "$BODY" | head -n 1)
[ -n "$CSRF" ] && ok "signed in, with the form's token" || nok "signed in, with the form's token"
expect_body_has 'enctype="multipart/form-data"' "the product form posts multipart/form-data"
expect_body_has 'name="photo" type="file"' "... with a file field for the photo"

ID=$(sql "SELECT id FROM products WHERE sku = 'MUG-STO-350'")
image_of() { sql "SELECT coalesce(image, 'none') || '/' || coalesce(thumb, 'none') FROM products WHERE id = $1"; }
media_count() { sql "SELECT count(*) FROM media"; }
# price_of ID: the product's price as the form shows it (12.50).
price_of() {
	local c
	c=$(sql "SELECT price_cents FROM products WHERE id = $1")
	printf '%d.%02d' $((c / 100)) $((c % 100))
}

# upload ID [curl -F args...]: the edit form as a browser posts it, with the
# product's current values (multipart), plus the given parts.
upload() {
	local id=$1
	shift
	req POST "/admin/products/$id" -b "$JAR" -F "csrf=$CSRF" \
	    -F "sku=$(sql "SELECT sku FROM products WHERE id = $id")" \
	    -F "name=$(sql "SELECT name FROM products WHERE id = $id")" \
	    -F "price=$(price_of "$id")" \
	    -F "stock=$(sql "SELECT stock FROM products WHERE id = $id")" \
	    -F "stock_was=$(sql "SELECT stock FROM products WHERE id = $id")" \
	    -F 'active=1' -F 'low_stock_at=3' "$@"
}

# ---- a JPEG with EXIF orientation 6 and GPS ----
upload "$ID" -F "photo=@$PHOTOS/photo.jpg;type=image/jpeg"
expect_status 303 "JPEG upload: 303"
case "$(location)" in "/admin/products/$ID?saved=1") ok "... back to the product's page";; *) nok "... back to the product's page" "$(location)";; esac
req GET "/admin/products/$ID" -b "$JAR" -H 'Accept: application/json'
URL=$(json_field image)
case "$URL" in /media/[0-9a-f]*) ok "JSON: the product's image is a /media/ URL";; *) nok "JSON: the product's image is a /media/ URL" "$URL";; esac
MID=${URL#/media/}
[ ${#MID} -eq 64 ] && ok "... named by 64 hex digits" || nok "... named by 64 hex digits" "$MID"
[ "$(sql "SELECT width || 'x' || height FROM media WHERE id = '$MID'")" = "1000x1600" ] &&
	ok "the large rendition is upright (1600x1000 turned by EXIF 6) and never upscaled" ||
	nok "the large rendition is upright" "$(sql "SELECT width || 'x' || height FROM media WHERE id = '$MID'")"
[ "$(sql "SELECT m.width FROM media m JOIN products p ON p.thumb = m.id WHERE p.id = $ID")" = "480" ] &&
	ok "the small rendition is 480 px wide" || nok "the small rendition is 480 px wide"
[ "$(sql "SELECT count(*) FROM media")" = "2" ] && ok "two renditions stored" || nok "two renditions stored"
req GET "/admin/products/$ID" -b "$JAR"
expect_body_has "src=\"/media/" "the edit page shows the current photo"
expect_body_has 'name="remove_photo"' "... with a Remove box"

# ---- serving ----
req GET "$URL"
expect_status 200 "GET /media/{id}: 200"
expect_header '^Content-Type: image/webp$' "... image/webp"
expect_header "^ETag: \"$MID\"\$" "... ETag is the id"
expect_header '^Cache-Control: public, max-age=31536000, immutable$' "... cached for a year, immutable"
expect_header "^Content-Security-Policy: default-src 'self'" "... under the app's CSP"
[ "$(head -c 4 "$BODY")" = "RIFF" ] && [ "$(dd if="$BODY" bs=1 skip=8 count=4 2>/dev/null)" = "WEBP" ] &&
	ok "... a WebP file" || nok "... a WebP file"
[ "$(sql "SELECT $(sql_hex bytes) FROM media WHERE id = '$MID'")" = "$(od -An -v -tx1 "$BODY" | tr -d ' \n' | tr a-f A-F)" ] &&
	ok "... the stored bytes, exactly" || nok "... the stored bytes, exactly"
if grep -qa -e Exif -e EXIF -e 'XMP ' -e ICCP "$BODY"; then nok "the rendition has no EXIF, XMP or ICC chunk"; else ok "the rendition has no EXIF, XMP or ICC chunk"; fi
[ "$(sha256sum < "$BODY" | cut -c1-64)" = "$MID" ] && ok "the id is the SHA-256 of the bytes" || nok "the id is the SHA-256 of the bytes"
req GET "$URL" -H "If-None-Match: \"$MID\""
expect_status 304 "If-None-Match with the id: 304"
expect_header "^ETag: \"$MID\"\$" "... with its ETag"
[ ! -s "$BODY" ] && ok "... and no body" || nok "... and no body"
req GET "$URL" -H 'If-None-Match: "0000"'
expect_status 200 "another ETag: 200"
req HEAD "$URL"
expect_status 200 "HEAD /media/{id}: 200"
req GET "/media/$(printf '0%.0s' $(seq 64))"
expect_status 404 "an unknown id: 404"
for bad in abc "$(echo "$MID" | tr a-f A-F)" "${MID}0" "${MID:0:63}" "${MID:0:63}g"; do
	req GET "/media/$bad"
	expect_status 404 "a malformed id ($bad): 404"
done

# ---- the shop shows it ----
req GET /
expect_body_has "srcset=\"/media/" "the catalog shows the photo with a srcset"
expect_body_has 'sizes="(max-width: 40rem) 100vw, 20rem"' "... sizes"
expect_body_has 'loading="lazy"' "... loaded lazily"
expect_body_has 'width="1000" height="1600"' "... with its width and height (no layout shift)"
expect_body_has "alt=\"$(sql "SELECT name FROM products WHERE id = $ID")\"" "... and the product's name as alt text"
expect_body_has 'product__art--' "products without a photo keep the letter tile"
req POST /cart/items -c "$WORK/cart.jar" -b "$WORK/cart.jar" --data "product_id=$ID&qty=1"
req GET /cart -b "$WORK/cart.jar"
expect_body_has "srcset=\"/media/" "the cart line shows the photo"

# ---- replace (PNG, then WebP) ----
upload "$ID" -F "photo=@$PHOTOS/photo.png;type=image/png"
expect_status 303 "PNG upload replaces the photo: 303"
NEW=$(image_of "$ID")
[ "$NEW" != "$MID/"* ] && [ "${NEW%%/*}" != none ] && ok "... a new image" || nok "... a new image" "$NEW"
[ "$(media_count)" = "2" ] && ok "... the old renditions are deleted" || nok "... the old renditions are deleted" "$(media_count)"
req GET "$URL"
expect_status 404 "... and the old URL is gone"
upload "$ID" -F "photo=@$PHOTOS/photo.webp;type=image/webp"
expect_status 303 "WebP upload: 303"
[ "$(sql "SELECT m.width || 'x' || m.height FROM media m JOIN products p ON p.image = m.id WHERE p.id = $ID")" = "900x600" ] &&
	ok "... 900x600 stays 900x600 (never upscaled)" || nok "... never upscaled"

# ---- a part with no file chosen keeps the photo ----
BEFORE=$(image_of "$ID")
upload "$ID" -F 'photo=@/dev/null;filename=' -F 'description=Still with its photo'
expect_status 303 "no file chosen: 303"
[ "$(image_of "$ID")" = "$BEFORE" ] && ok "... the photo stays" || nok "... the photo stays"
[ "$(sql "SELECT description FROM products WHERE id = $ID")" = "Still with its photo" ] && ok "... and the other fields are saved" || nok "... other fields saved"

# ---- refused uploads: 422 with a message, the photo untouched, never a 500 ----
refused() {	# refused FILE TYPE WORDS DESCRIPTION
	upload "$ID" -F "photo=@$PHOTOS/$1;type=$2"
	expect_status 422 "$4: 422"
	expect_body_has "$3" "... saying why"
	[ "$(image_of "$ID")" = "$BEFORE" ] && ok "... the photo is unchanged" || nok "... the photo is unchanged"
}
refused doc.pdf application/pdf "not a JPEG, PNG or WebP" "a PDF"
refused empty.jpg image/jpeg "The file is empty" "an empty file"
refused truncated.jpg image/jpeg "damaged or incomplete" "a truncated JPEG"
START=$(date +%s%N)
refused bomb.png image/png "more than 40 megapixels" "a 50,000 x 50,000 PNG"
MS=$(( ($(date +%s%N) - START) / 1000000 ))
[ "$MS" -lt 3000 ] && ok "... refused in ${MS} ms, unread" || nok "... refused quickly" "${MS} ms"
cp "$PHOTOS/doc.pdf" "$PHOTOS/renamed.jpg"
refused renamed.jpg image/jpeg "not a JPEG, PNG or WebP" "a PDF renamed .jpg"
upload "$ID" -F "photo=@$PHOTOS/doc.pdf" -H 'Accept: application/json'
expect_status 422 "JSON client, a PDF: 422"
expect_body_has '"photo":' "... the error is keyed by the field"

# ---- malformed multipart bodies ----
req POST "/admin/products/$ID" -b "$JAR" -H 'Content-Type: multipart/form-data' \
    --data-binary $'--XyZ\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'"$CSRF"$'\r\n--XyZ--\r\n'
expect_status 400 "multipart without a boundary: 400"
expect_body_has "no boundary" "... saying so"
upload "$ID" -F "photo=@$PHOTOS/photo.png" -F "photo=@$PHOTOS/photo.webp"
expect_status 400 "two files for photo: 400"
expect_body_has "more than one file" "... saying so"
req POST "/admin/products/$ID" -b "$JAR" -H 'Content-Type: multipart/form-data; boundary=XyZ' \
    --data-binary $'--XyZ\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'"$CSRF"$'\r\n--XyZ\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\nabc'
expect_status 400 "a body cut before its closing boundary: 400"
upload "$ID" -F "photo=@$PHOTOS/photo.png;filename=../../../etc/evil.png"
expect_status 303 "a filename with ../ is only a name: the upload is taken (303)"
[ ! -e /etc/evil.png ] && [ ! -e "$WORK/etc/evil.png" ] && ok "... and nothing is written by that name" || nok "... nothing written by that name"
head -c $((9 * 1024 * 1024)) /dev/zero > "$PHOTOS/big.jpg"
upload "$ID" -F "photo=@$PHOTOS/big.jpg;type=image/jpeg"
expect_status 413 "a 9 MiB body: 413"
req POST "/admin/products/$ID/stock" -b "$JAR" -F "csrf=$CSRF" -F 'delta=+1'
expect_status 415 "multipart on a route that takes no uploads: 415"

# ---- remove ----
upload "$ID" -F 'remove_photo=1'
expect_status 303 "remove_photo=1: 303"
[ "$(image_of "$ID")" = "none/none" ] && ok "... the product has no photo" || nok "... no photo" "$(image_of "$ID")"
[ "$(media_count)" = "0" ] && ok "... and no rendition is left" || nok "... no rendition left" "$(media_count)"
req GET "/admin/products/$ID" -b "$JAR" -H 'Accept: application/json'
expect_body_has '"image":null' "JSON: image is null"
req GET /
expect_body_lacks 'srcset=' "the catalog is back to letter tiles"

# ---- a new product with a photo; urlencoded and JSON still work ----
req POST /admin/products/new -b "$JAR" -F "csrf=$CSRF" -F 'sku=PHO-NEW-1' -F 'name=Photo product' \
    -F 'price=9.50' -F 'stock=4' -F 'active=1' -F "photo=@$PHOTOS/photo.jpg;type=image/jpeg"
expect_status 303 "a new product with a photo: 303"
NID=$(sql "SELECT id FROM products WHERE sku = 'PHO-NEW-1'")
[ "$(image_of "$NID")" != "none/none" ] && ok "... it has its photo" || nok "... it has its photo"
MEDIA_BEFORE=$(media_count)
req POST "/admin/products/$NID/delete" -b "$JAR" --data-urlencode "csrf=$CSRF"
expect_status 303 "deleting the (never sold) product with a photo: 303"
[ "$(media_count)" = "$((MEDIA_BEFORE - 2))" ] && ok "... its renditions go with it" ||
	nok "... its renditions go with it" "$MEDIA_BEFORE -> $(media_count)"
req POST /admin/products/new -b "$JAR" -F "csrf=$CSRF" -F 'sku=PHO-NEW-2' -F 'name=Bad photo' \
    -F 'price=9.50' -F 'stock=4' -F "photo=@$PHOTOS/doc.pdf"
expect_status 422 "a new product with a PDF: 422"
[ -z "$(sql "SELECT id FROM products WHERE sku = 'PHO-NEW-2'")" ] && ok "... and no product is created" || nok "... no product created"
req POST "/admin/products/$ID" -b "$JAR" --data-urlencode "csrf=$CSRF" --data-urlencode 'sku=MUG-STO-350' \
    --data-urlencode 'name=Mug again' --data-urlencode 'price=12.00' --data-urlencode 'active=1'
expect_status 303 "an urlencoded edit still works"
req POST "/admin/products/$ID" -b "$JAR" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
    -H 'Accept: application/json' --data '{"sku":"MUG-STO-350","name":"Mug by JSON"}'
expect_status 200 "a JSON edit still works"

if grep -q ' 500 \|AddressSanitizer\|runtime error' "$WORK/srv/error.log" 2>/dev/null; then
	nok "no 500 and no sanitizer report in the log"
else
	ok "no 500 and no sanitizer report in the log"
fi
finish
