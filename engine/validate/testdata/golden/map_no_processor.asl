{
 "StartAt": "M",
 "States": {
  "M": {
   "Type": "Map",
   "End": true
  }
 }
}