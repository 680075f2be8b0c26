/* json_speed.c - jansson vs cJSON parsing every line of a JSONL file (the
 * figures behind record.c's choice of cJSON for its fast path).
 * build: cc -O2 bench/json_speed.c -o build/json_speed -ljansson -lcjson
 * run:   zstd -dc ../shared/corpora/news-40k.jsonl.zst > build/news.jsonl &&
 *        build/json_speed build/news.jsonl */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <cjson/cJSON.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc, char **argv){ if(argc<2){fprintf(stderr,"usage: json_speed FILE.jsonl\n");return 2;} FILE*f=fopen(argv[1],"rb"); if(!f){perror(argv[1]);return 1;} fseek(f,0,2); long n=ftell(f); rewind(f); char*b=malloc(n+1); fread(b,1,n,f); b[n]=0;
 size_t tot=0; double t0=now();
 for(char*p=b;p<b+n;){char*e=memchr(p,'\n',b+n-p); if(!e)e=b+n; json_error_t er; json_t*j=json_loadb(p,e-p,0,&er); json_t*t=json_object_get(j,"text"); tot+=json_string_length(t); json_decref(j); p=e+1;}
 double t1=now(); printf("jansson %.3f s %.0f MB/s\n",t1-t0,n/1e6/(t1-t0));
 for(char*p=b;p<b+n;){char*e=memchr(p,'\n',b+n-p); if(!e)e=b+n; cJSON*j=cJSON_ParseWithLength(p,e-p); cJSON*t=cJSON_GetObjectItemCaseSensitive(j,"text"); tot+=strlen(t->valuestring); cJSON_Delete(j); p=e+1;}
 double t2=now(); printf("cjson %.3f s %.0f MB/s %zu\n",t2-t1,n/1e6/(t2-t1),tot);
}
