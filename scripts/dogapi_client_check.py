"""Drives Roost's TheDogAPI with an unmodified third-party client from PyPI: catapi.py 0.4.0
(a TheCatAPI/TheDogAPI wrapper on aiohttp; same API shape). Only its base URL is pointed at Roost.

    dogapi_client_check.py BASE_URL API_KEY DOG_PHOTO

Uploads the photo, waits for the review (polling links.status with urllib, since the client has
no status call), then searches, votes, favourites, lists uploads and votes, and deletes, each
through the client. Prints one JSON line of what it saw; exits 1 with a message on any mismatch.
"""
import asyncio
import json
import sys
import time
import urllib.request

import catapi
import catapi.catapi


def fail(message):
    print(json.dumps({"ok": False, "error": message}))
    sys.exit(1)


async def main(base, key, photo):
    catapi.catapi.BASE_URL = base.rstrip("/") + "/v1"  # the client's own module constant
    client = catapi.CatApi(api_key=key)

    uploaded = json.loads(await client.upload(photo, sub_id="client-check"))
    image_id = uploaded.get("id")
    if not image_id:
        fail(f"upload answered {uploaded}")
    status_url = base.rstrip("/") + uploaded["links"]["status"]
    deadline = time.time() + 120
    status = None
    while time.time() < deadline:
        request = urllib.request.Request(status_url, headers={"x-api-key": key})
        status = json.load(urllib.request.urlopen(request))["status"]
        if status != "to_be_reviewed":
            break
        time.sleep(0.1)
    if status != "labelled":
        fail(f"review ended {status}")

    found = await client.search_images(limit=10, order="ASC")
    if [image.id for image in found] != [image_id]:
        fail(f"search found {[image.id for image in found]}")
    if not found[0].url.endswith(f"/images/{image_id}.jpg"):
        fail(f"search url {found[0].url}")
    image = await client.get_image(image_id)
    if image.id != image_id or image.sub_id != "client-check":
        fail(f"get_image gave {image.id} {image.sub_id}")

    vote = await client.vote(image_id, 1, "client-check")
    if getattr(vote, "image_id", None) != image_id or vote.value != 1:
        fail(f"vote gave {vote}")
    votes = await client.get_votes(limit=10, page=0, sub_id="client-check")
    if [v.image_id for v in votes] != [image_id]:
        fail(f"get_votes gave {[v.image_id for v in votes]}")

    # `favourite` forgets to await `favorite` in this version; the American spelling is the real call.
    favourite_id = await client.favorite(image_id, "client-check")  # returns the new id
    if not isinstance(favourite_id, int):
        fail(f"favourite gave {favourite_id}")
    favourites = await client.get_favorites(limit=10, page=0, sub_id="client-check")  # `get_favourites` is broken in 0.4.0
    if [(f.id, f.image_id) for f in favourites] != [(favourite_id, image_id)]:
        fail(f"get_favourites gave {[(f.id, f.image_id) for f in favourites]}")

    uploads = await client.get_uploads(limit=10, page=0)
    if [u.id for u in uploads] != [image_id]:
        fail(f"get_uploads gave {[u.id for u in uploads]}")

    analysis = await client.get_analysis(image_id)
    labels = [label.get("Name") for label in analysis.labels]
    if not labels:
        fail("analysis has no labels")

    removed = json.loads(await client.delete_favorite(favourite_id))
    deleted = json.loads(await client.delete_image(image_id))
    after = await client.search_images(limit=10, order="ASC")
    if removed.get("message") != "SUCCESS" or deleted.get("message") != "SUCCESS" or after:
        fail(f"deletes gave {removed} {deleted}, search after: {[a.id for a in after]}")
    print(json.dumps({"ok": True, "image_id": image_id, "labels": labels[:3], "votes": len(votes), "favourites": len(favourites)}))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    asyncio.run(main(*sys.argv[1:]))
