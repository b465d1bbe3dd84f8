"""Nearest BLK (/blk) by shared location or typed place."""
